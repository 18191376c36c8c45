import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect, replace } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { safeRedirect, sameSiteReferer } from "~/lib/safe-redirect.server";
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
  // Back to the page the form was drawn on (its own redirectTo, ADR 202); a post without one (a hand-made form)
  // goes back by its Referer; both only ever to a path of this site. `replace`: the shell posts with a fetcher,
  // and the page it returns to must not become a second history entry (a native post gets a plain 302).
  const back = safeRedirect(submission.value.redirectTo, sameSiteReferer(request, "/inbox"));
  throw replace(back, { headers: { "Set-Cookie": themeCookie(submission.value.theme) } });
}
