// Adds a reviewed reply to a dataset (JSON, called with fetch() from the review views). Auditors and admins.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { addToDataset, DatasetError, DatasetItemFormSchema } from "~/reviews/datasets/datasets.server";

export async function loader() {
  return new Response("POST only.", { status: 405, headers: { allow: "POST" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  const form = await readForm(request);
  const parsed = parseForm(DatasetItemFormSchema, form);
  if (!parsed.ok) return Response.json(parsed.response.data, { status: 400 });
  try {
    const item = await addToDataset(me, z.string().max(64).catch("").parse(params.datasetId), parsed.data, clientIp(context));
    return Response.json({ ok: true, itemId: item.id });
  } catch (error) {
    if (error instanceof DatasetError) return Response.json({ ok: false, errors: { [error.field]: [error.message] } }, { status: error.status });
    throw error;
  }
}
