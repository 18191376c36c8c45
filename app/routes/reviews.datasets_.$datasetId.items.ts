// Adds a reviewed reply to a dataset (JSON, called with fetch() from the review views). Auditors and admins.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { DatasetItemFormSchema } from "~/reviews/datasets/dataset-forms";
import { addToDataset, DatasetError } from "~/reviews/datasets/datasets.server";

export async function loader() {
  return new Response("POST only.", { status: 405, headers: { allow: "POST" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  // Refusals are conform's reply as a JSON Response (ADR 196, 202); the server's own (no such dataset, a reply
  // not reviewed) name their field too.
  const submission = parseSubmission(await readForm(request), DatasetItemFormSchema);
  if (submission.status !== "success") return jsonResponse(rejected(submission));
  try {
    const item = await addToDataset(me, z.string().max(64).catch("").parse(params.datasetId), submission.value, clientIp(context));
    return Response.json({ ok: true, itemId: item.id });
  } catch (error) {
    if (error instanceof DatasetError) return jsonResponse(rejected(submission, { status: error.status, fieldErrors: { [error.field]: [error.message] } }));
    throw error;
  }
}
