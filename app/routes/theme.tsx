import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { jsonResponse, parseForm, readForm } from "~/lib/forms.server";
import { sameSiteReferer } from "~/lib/safe-redirect.server";
import { themeCookie } from "~/lib/theme.server";

const ThemeSchema = z.object({ theme: z.enum(["system", "light", "dark"]) });

export async function loader() {
  throw redirect("/inbox");
}

export async function action({ request }: ActionFunctionArgs) {
  await requireOperator(request);
  const parsed = parseForm(ThemeSchema, await readForm(request));
  if (!parsed.ok) return jsonResponse(parsed.response); // a resource route: only a Response keeps the 400
  throw redirect(sameSiteReferer(request, "/inbox"), { headers: { "Set-Cookie": themeCookie(parsed.data.theme) } });
}
