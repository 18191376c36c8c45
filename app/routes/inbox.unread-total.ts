// GET /inbox/unread-total: my total unread, for the navigation badge and the tab title.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { unreadTotal } from "~/inbox/inbox-query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  return Response.json({ unread: await unreadTotal(operator.id) }, { headers: { "Cache-Control": "no-store" } });
}
