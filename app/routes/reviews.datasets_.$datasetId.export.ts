// A dataset as JSONL (OpenAI chat fine-tuning format; `meta=1` adds each item's final values) or CSV, streamed.
// Auditors and admins; audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { audit } from "~/audit/audit.server";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { csvResponse } from "~/reviews/csv.server";
import { datasetCsv, datasetJsonl, datasetSize, getDataset } from "~/reviews/datasets/datasets.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  const search = new URL(request.url).searchParams;
  const format = z.enum(["jsonl", "csv"]).safeParse(search.get("format") ?? "jsonl");
  if (!format.success) return new Response("format must be jsonl or csv.", { status: 400 });
  // meta=1: each JSONL line also carries the item's rating, scores and final (adjudicated) values.
  const meta = z.enum(["0", "1"]).safeParse(search.get("meta") ?? "0");
  if (!meta.success || (meta.data === "1" && format.data !== "jsonl"))
    return new Response("meta is 0 or 1, and only for format=jsonl (the CSV always has the final values).", { status: 400 });
  const dataset = await getDataset(z.string().max(64).catch("").parse(params.datasetId));
  if (!dataset) throw new Response("No such dataset.", { status: 404 });
  const totalRows = await datasetSize(dataset.id);
  await audit({
    actor: me,
    action: "dataset.export",
    targetType: "dataset",
    targetId: dataset.id,
    details: { format: format.data, metadata: meta.data === "1", totalRows },
    ip: clientIp(context),
  });
  const name = dataset.name.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format.data === "csv") return csvResponse({ filename: `${name}.csv`, stream: datasetCsv(dataset.id), totalRows });
  return new Response(datasetJsonl(dataset.id, { metadata: meta.data === "1" }), {
    headers: {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}.jsonl"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Total-Rows": String(totalRows),
    },
  });
}
