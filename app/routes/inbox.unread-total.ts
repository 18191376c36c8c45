// GET /inbox/unread-total: how many sessions are unread for me (sessions, not messages: the row count of "My
// unread"), for the navigation badge and the tab title. Auditors see none unless they ask (ADR 100). Also how many
// sessions wait on a human (the second number), for everyone.
// POST badge=on|off: whether I want the badge (null in the database = my role's default).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { readForm } from "~/lib/forms.server";
import { wantsUnreadBadge, setUnreadBadge } from "~/inbox/unread-badge.server";
import { unreadTotal, waitingTotal } from "~/inbox/inbox-query.server";

const NO_STORE = { "Cache-Control": "no-store" };

export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  const waiting = await waitingTotal(operator.id);
  if (!(await wantsUnreadBadge(operator)))
    return Response.json({ unread: null, hidden: true, waiting: waiting.total, waitingCapped: waiting.capped }, { headers: NO_STORE });
  return Response.json({ unread: await unreadTotal(operator.id), hidden: false, waiting: waiting.total, waitingCapped: waiting.capped }, { headers: NO_STORE });
}

const BadgeSchema = z.object({ badge: z.enum(["on", "off"], { message: "badge must be on or off" }) });

export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const parsed = BadgeSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return Response.json({ ok: false, message: parsed.error.issues[0]?.message ?? "bad input" }, { status: 400 });
  await setUnreadBadge(operator.id, parsed.data.badge === "on");
  return Response.json({ ok: true, badge: parsed.data.badge });
}
