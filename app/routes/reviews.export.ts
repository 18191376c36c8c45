// CSV of reviews with the queue's filters (plus rating, label, reviewer), streamed. Auditors and admins.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { audit } from "~/audit/audit.server";
import { requirePermission } from "~/auth/guards.server";
import { dayProblems } from "~/lib/calendar-day";
import { clientIp } from "~/lib/client-ip.server";
import { csvResponse } from "~/reviews/csv.server";
import { countReviews, ReviewExportFilterSchema, reviewsCsv } from "~/reviews/exports.server";
import { parseQueueFilters } from "~/reviews/queue.server";
import { fileStamp } from "~/lib/format-date";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:export");
  const params = new URL(request.url).searchParams;
  // An export of a range other than the one asked for would mislead: a date that is not a real day is a 400.
  const problems = dayProblems(params, ["from", "to"]);
  if (problems.length) return Response.json({ error: `Bad export parameters: ${problems.join(" ")}`, problems }, { status: 400 });
  const filters = {
    ...parseQueueFilters(params),
    ...ReviewExportFilterSchema.parse({
      rating: params.get("rating") ?? undefined,
      label: params.get("label") || undefined,
      reviewer: params.get("reviewer") || undefined,
    }),
  };
  const totalRows = await countReviews(filters);
  // Reading data out of the Console in bulk is worth a line in the audit log.
  await audit({ actor: me, action: "reviews.export", targetType: "reviews", details: { filters, totalRows }, ip: clientIp(context) });
  return csvResponse({ filename: `reviews-${fileStamp()}.csv`, stream: reviewsCsv(filters), totalRows });
}
