import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { sameSiteReferer } from "~/lib/safe-redirect.server";
import { ThemeFormSchema } from "~/lib/theme-form";
import { themeCookie } from "~/lib/theme.server";

export async function loader() {
  throw redirect("/inbox");
}

export async function action({ request }: ActionFunctionArgs) {
  await requireOperator(request);
  const submission = parseSubmission(await readForm(request), ThemeFormSchema);
  // A resource route: only a Response keeps the 400. The shell's buttons send the schema's own values, so only a
  // hand-made post is refused (ADR 196).
  if (submission.status !== "success") return jsonResponse(rejected(submission));
  throw redirect(sameSiteReferer(request, "/inbox"), { headers: { "Set-Cookie": themeCookie(submission.value.theme) } });
}
