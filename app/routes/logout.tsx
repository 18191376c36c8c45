import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { audit } from "~/audit/audit.server";
import { clearCookie, requireAuth } from "~/auth/guards.server";
import { lucia } from "~/auth/lucia.server";
import { clientIp } from "~/lib/client-ip.server";
import { onSignOut } from "~/operators/sign-out.server";

export async function loader() {
  throw redirect("/inbox");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { operator, session } = await requireAuth(request);
  await lucia().invalidateSession(session.id);
  await onSignOut(operator.id, "signout");
  await audit({ actor: operator, action: "auth.logout", targetType: "operator", targetId: operator.id, ip: clientIp(context) });
  throw redirect("/login", { headers: { "Set-Cookie": clearCookie() } });
}
