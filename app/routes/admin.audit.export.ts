// CSV of the audit log with the audit page's filters (action prefix, actor, target, date range), streamed. Admins only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { audit } from "~/audit/audit.server";
import { requireRole } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { csvResponse } from "~/reviews/csv.server";
import { auditCsv, auditSnapshot, parseAuditFilters } from "~/reviews/exports.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, "admin");
  const filters = parseAuditFilters(new URL(request.url).searchParams);
  const { untilId, totalRows } = await auditSnapshot(filters);
  // The file is the log up to the snapshot, so this line (and anything written meanwhile) is in the next export.
  await audit({ actor: me, action: "audit.export", targetType: "audit_log", details: { filters, totalRows }, ip: clientIp(context) });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return csvResponse({ filename: `audit-log-${stamp}.csv`, stream: auditCsv(filters, untilId), totalRows });
}
