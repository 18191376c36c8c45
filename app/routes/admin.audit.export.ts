// CSV of the audit log with the audit page's filters (action prefix, actor, target, date range), streamed. Admins only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { audit } from "~/audit/audit.server";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { csvResponse } from "~/reviews/csv.server";
import { auditWhere, parseAuditParams } from "~/audit/audit-log.server";
import { auditCsv, auditSnapshot } from "~/reviews/exports.server";
import { fileStamp } from "~/lib/format-date";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "audit:read");
  // The audit page's parser and filter: the same query exports exactly the rows the page lists (all pages).
  const { filters } = parseAuditParams(request);
  const where = auditWhere(filters);
  const { untilId, totalRows } = await auditSnapshot(where);
  // The file is the log up to the snapshot, so this line (and anything written meanwhile) is in the next export.
  await audit({ actor: me, action: "audit.export", targetType: "audit_log", details: { filters, totalRows }, ip: clientIp(context) });
  return csvResponse({ filename: `audit-log-${fileStamp()}.csv`, stream: auditCsv(where, untilId), totalRows });
}
