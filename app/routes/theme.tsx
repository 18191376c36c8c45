import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { themeCookie } from "~/lib/theme.server";

const ThemeSchema = z.object({ theme: z.enum(["system", "light", "dark"]) });

export async function loader() {
  throw redirect("/inbox");
}

export async function action({ request }: ActionFunctionArgs) {
  await requireOperator(request);
  const parsed = parseForm(ThemeSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  const back = request.headers.get("referer");
  const to = back && new URL(back).host === new URL(request.url).host ? new URL(back).pathname + new URL(back).search : "/inbox";
  throw redirect(to, { headers: { "Set-Cookie": themeCookie(parsed.data.theme) } });
}
