// GET /inbox/rows?<the inbox's own parameters>: the inbox table's rows and count alone, read by the loader's own
// query, for an open inbox following live changes. A session changing moves only these; the rest of the page's
// data (facets, operators, saved views, the root's) does not, so the page re-reads just this (ADR 207).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { currentViewers } from "~/fleetlm-sync/session-watch.server";
import { queryInbox, readInboxParams } from "~/inbox/inbox-query.server";
import { expireSnoozes } from "~/inbox/state-actions.server";
import { liveBus } from "~/live/bus.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  // The page's own URL: unknown keys are ignored and a bad value falls back as the page's loader does.
  const { params } = readInboxParams(request);
  // Taken before the read, so the rows are at least as fresh as every event up to it.
  const liveId = liveBus().lastId;
  await expireSnoozes();
  const { rows, total, capped } = await queryInbox(params, operator.id);
  const viewers = Object.fromEntries(rows.map((row) => [row.id, currentViewers(row.id)]));
  return Response.json({ rows, total, capped, viewers, liveId }, { headers: { "Cache-Control": "no-store" } });
}
