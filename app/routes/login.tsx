import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { getAuth } from "~/auth/guards.server";
import { LoginSchema } from "~/auth/login-form";
import { signIn } from "~/auth/sign-in.server";
import { readSessionToken } from "~/auth/lucia.server";
import { passRetryAfter, retryAfterSeconds } from "~/auth/throttle.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { safeRedirect } from "~/lib/safe-redirect.server";
import { assertSameOrigin } from "~/security/origin.server";

export const meta: MetaFunction = () => [{ title: "Sign in · FleetLM Console" }];
export const headers: HeadersFunction = passRetryAfter;

// Public by design: the sign-in page. A signed-in operator is sent on.
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await getAuth(request);
  if (auth) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const submission = parseSubmission(await readForm(request), LoginSchema);
  if (submission.status !== "success") return rejected(submission);
  const { email, password, redirectTo } = submission.value;
  const result = await signIn({
    email,
    password,
    ip: clientIp(context),
    userAgent: request.headers.get("user-agent"),
    previousToken: readSessionToken(request.headers.get("cookie")),
  });
  if (!result.ok && "retryAfterMs" in result) {
    // Answered on the form (not an error page), with Retry-After kept by `headers` above.
    const seconds = retryAfterSeconds(result.retryAfterMs);
    return rejected(submission, {
      status: 429,
      headers: { "Retry-After": String(seconds) },
      formErrors: [`Too many sign-in attempts. Try again in ${seconds} s.`],
    });
  }
  if (!result.ok) return rejected(submission, { formErrors: [result.error] });
  throw redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": result.cookie } });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useSchemaForm(LoginSchema, { lastResult: result });
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-xl font-semibold">Sign in to FleetLM Console</h1>
      <Form method="post" {...getFormProps(form)} className="mt-4 space-y-3">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field meta={fields.email} type="email" label="E-mail" autoComplete="username" />
        <Field meta={fields.password} type="password" label="Password" autoComplete="current-password" />
        <ErrorBanner errors={form.errors} id={form.errorId} />
        <Button size="lg" disabled={busy} className="w-full">
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </Form>
    </main>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
