import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { getAuth } from "~/auth/guards.server";
import { LoginSchema, signIn } from "~/auth/sign-in.server";
import { readSessionToken } from "~/auth/lucia.server";
import { passRetryAfter, retryAfterSeconds } from "~/auth/throttle.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
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
  const parsed = parseForm(LoginSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  const { email, password, redirectTo } = parsed.data;
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
    return data(
      { ok: false as const, errors: { form: [`Too many sign-in attempts. Try again in ${seconds} s.`] }, values: { email } },
      { status: 429, headers: { "Retry-After": String(seconds) } },
    );
  }
  if (!result.ok) return data({ ok: false as const, errors: { form: [result.error] }, values: { email } }, { status: 400 });
  throw redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": result.cookie } });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = (actionData?.errors ?? {}) as Record<string, string[] | undefined>;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-xl font-semibold">Sign in to FleetLM Console</h1>
      <Form method="post" className="mt-4 space-y-3" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <label className="block text-sm">
          E-mail
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={actionData?.values?.email ?? ""}
            aria-invalid={errors.email ? true : undefined}
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        {errors.email ? <p className="text-sm text-red-600">{errors.email[0]}</p> : null}
        <label className="block text-sm">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        {errors.password ? <p className="text-sm text-red-600">{errors.password[0]}</p> : null}
        {errors.form ? (
          <p role="alert" className="text-sm text-red-600">
            {errors.form[0]}
          </p>
        ) : null}
        <button disabled={busy} className="w-full rounded bg-blue-600 px-3 py-2 font-medium text-white hover:bg-blue-700 disabled:opacity-60">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </main>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
