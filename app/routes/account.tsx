import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { clearCookie, requireAuth } from "~/auth/guards.server";
import { passRetryAfter, retryAfterSeconds } from "~/auth/throttle.server";
import { formatDateTime } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { formValues, invalid, parseForm, readForm } from "~/lib/forms.server";
import { NotificationSettings } from "~/notifications/components/notification-settings";
import { NotificationPrefsSchema, notificationPrefs, saveNotificationPrefs } from "~/notifications/preferences.server";
import { ChangePasswordSchema, changeOwnPassword, listOwnSessions, revokeOwnSession, RevokeSessionSchema } from "~/operators/account.server";

export const meta: MetaFunction = () => [{ title: "Account · FleetLM Console" }];
export const headers: HeadersFunction = passRetryAfter;

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireAuth(request);
  return { operator: auth.operator, sessions: await listOwnSessions(auth), notifications: await notificationPrefs(auth.operator.id) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request);
  const form = await readForm(request);
  const ip = clientIp(context);
  const intent = form.get("intent");
  if (intent === "change-password") {
    const parsed = parseForm(ChangePasswordSchema, form);
    if (!parsed.ok) return parsed.response;
    const changed = await changeOwnPassword(auth, parsed.data.current, parsed.data.newPassword, ip);
    if (!changed.ok && "retryAfterMs" in changed) {
      const seconds = retryAfterSeconds(changed.retryAfterMs);
      return data(
        {
          ok: false as const,
          errors: { current: [`Too many wrong passwords. Try again in ${seconds} s.`] } as Record<string, string[]>,
          values: formValues(form),
        },
        { status: 429, headers: { "Retry-After": String(seconds) } },
      );
    }
    if (!changed.ok) return invalid({ current: ["That is not your current password."] }, formValues(form));
    return redirect("/account?changed=password");
  }
  if (intent === "notifications") {
    const parsed = parseForm(NotificationPrefsSchema, form);
    if (!parsed.ok) return parsed.response;
    await saveNotificationPrefs(auth.operator, parsed.data, ip);
    return redirect("/account?changed=notifications");
  }
  if (intent === "revoke-session") {
    const parsed = parseForm(RevokeSessionSchema, form);
    if (!parsed.ok) return parsed.response;
    const revoked = await revokeOwnSession(auth, parsed.data.id, ip);
    if (!revoked) throw new Response("No such session.", { status: 404 });
    if (revoked.current) return redirect("/login", { headers: { "Set-Cookie": clearCookie() } });
    return redirect("/account?changed=session");
  }
  return invalid({ intent: ["Unknown action."] }, formValues(form));
}

type ActionResult = { ok: false; errors: Record<string, string[] | undefined>; values: Record<string, string | undefined> } | undefined;

const inputClass = "mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950";

function FieldError({ errors }: { errors?: string[] }) {
  return errors?.length ? <p className="text-sm text-red-600 dark:text-red-400">{errors[0]}</p> : null;
}

function ChangePassword({ result }: { result: ActionResult }) {
  const busy = useNavigation().formData?.get("intent") === "change-password";
  const errors = result?.values.intent === "change-password" ? result.errors : {};
  return (
    <Form method="post" aria-label="Change password" className="max-w-sm space-y-3" noValidate>
      <input type="hidden" name="intent" value="change-password" />
      <label className="block text-sm">
        Current password
        <input name="current" type="password" autoComplete="current-password" aria-invalid={errors.current ? true : undefined} className={inputClass} />
      </label>
      <FieldError errors={errors.current} />
      <label className="block text-sm">
        New password
        <input name="newPassword" type="password" autoComplete="new-password" aria-invalid={errors.newPassword ? true : undefined} className={inputClass} />
      </label>
      <FieldError errors={errors.newPassword} />
      <label className="block text-sm">
        New password again
        <input name="newConfirm" type="password" autoComplete="new-password" aria-invalid={errors.newConfirm ? true : undefined} className={inputClass} />
      </label>
      <FieldError errors={errors.newConfirm} />
      <p className="text-xs text-slate-500">8 to 256 characters. Changing it signs out your other sessions.</p>
      <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 font-medium text-white hover:bg-blue-700 disabled:opacity-60">
        {busy ? "Changing…" : "Change password"}
      </button>
    </Form>
  );
}

export default function Account() {
  const { operator, sessions, notifications } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult;
  const [params] = useSearchParams();
  const changed = params.get("changed");
  return (
    <section className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Account</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {operator.name} · {operator.email} · {operator.role}
        </p>
        {changed === "password" ? (
          <p role="status" className="mt-2 text-sm text-green-700 dark:text-green-400">
            Password changed. Your other sessions were signed out.
          </p>
        ) : null}
        {changed === "session" ? (
          <p role="status" className="mt-2 text-sm text-green-700 dark:text-green-400">
            Session revoked.
          </p>
        ) : null}
      </div>
      <NotificationSettings prefs={notifications} saved={changed === "notifications"} />
      <div>
        <h2 className="mb-2 text-lg font-medium">Change password</h2>
        <ChangePassword result={result} />
      </div>
      <div>
        <h2 className="mb-2 text-lg font-medium">Active sessions</h2>
        <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-slate-600 dark:bg-slate-900 dark:text-slate-300">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Signed in
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  IP
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Browser
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Expires if idle
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={session.id} className="border-t border-slate-200 dark:border-slate-800" data-testid={session.current ? "current-session" : undefined}>
                  <td className="px-3 py-2">
                    {formatDateTime(session.createdAt)}
                    {session.current ? (
                      <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 text-xs text-green-800 dark:bg-green-900 dark:text-green-100">this session</span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{session.ip ?? "—"}</td>
                  <td className="max-w-xs truncate px-3 py-2 text-xs" title={session.userAgent ?? undefined}>
                    {session.userAgent ?? "—"}
                  </td>
                  <td className="px-3 py-2">{formatDateTime(session.expiresAt)}</td>
                  <td className="px-3 py-2 text-right">
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke-session" />
                      <input type="hidden" name="id" value={session.id} />
                      <button className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700">
                        {session.current ? "End this session" : "Revoke"}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
