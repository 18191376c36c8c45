import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { clearCookie, requireAuth } from "~/auth/guards.server";
import { passRetryAfter, retryAfterSeconds } from "~/auth/throttle.server";
import { formatDateTime } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Banner, ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { Table, TableHead, Tr } from "~/components/ui/table";
import { clientIp } from "~/lib/client-ip.server";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/auth/password-rules";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { NotificationSettings } from "~/notifications/components/notification-settings";
import { NotificationPrefsSchema } from "~/notifications/forms";
import { notificationPrefs, saveNotificationPrefs } from "~/notifications/preferences.server";
import { changeOwnPassword, listOwnSessions, revokeOwnSession } from "~/operators/account.server";
import { AccountIntentSchema, ChangePasswordSchema, RevokeSessionSchema } from "~/operators/forms";

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
    const submission = parseSubmission(form, ChangePasswordSchema);
    if (submission.status !== "success") return rejected(submission);
    const changed = await changeOwnPassword(auth, submission.value.current, submission.value.newPassword, ip);
    if (!changed.ok && "retryAfterMs" in changed) {
      const seconds = retryAfterSeconds(changed.retryAfterMs);
      return rejected(submission, {
        status: 429,
        headers: { "Retry-After": String(seconds) },
        fieldErrors: { current: [`Too many wrong passwords. Try again in ${seconds} s.`] },
      });
    }
    if (!changed.ok) return rejected(submission, { fieldErrors: { current: ["That is not your current password."] } });
    return redirect("/account?changed=password");
  }
  if (intent === "notifications") {
    const submission = parseSubmission(form, NotificationPrefsSchema);
    if (submission.status !== "success") return rejected(submission);
    const { mine, waiting, sound } = submission.value;
    await saveNotificationPrefs(auth.operator, { mine, waiting, sound }, ip);
    return redirect("/account?changed=notifications");
  }
  if (intent === "revoke-session") {
    const submission = parseSubmission(form, RevokeSessionSchema);
    if (submission.status !== "success") return rejected(submission);
    const revoked = await revokeOwnSession(auth, submission.value.id, ip);
    if (!revoked) throw new Response("No such session.", { status: 404 });
    if (revoked.current) return redirect("/login", { headers: { "Set-Cookie": clearCookie() } });
    return redirect("/account?changed=session");
  }
  return rejected(parseSubmission(form, AccountIntentSchema));
}

function ChangePassword({ result }: { result: unknown }) {
  const busy = useNavigation().formData?.get("intent") === "change-password";
  const [form, fields] = useSchemaForm(ChangePasswordSchema, { lastResult: resultFor(result, { intent: "change-password" }) });
  return (
    <Form method="post" {...getFormProps(form)} aria-label="Change password" className="max-w-sm space-y-3">
      <input type="hidden" name="intent" value="change-password" />
      <Field meta={fields.current} type="password" label="Current password" autoComplete="current-password" />
      <Field
        meta={fields.newPassword}
        type="password"
        label="New password"
        autoComplete="new-password"
        description={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. Changing it signs out your other sessions.`}
      />
      <Field meta={fields.newConfirm} type="password" label="New password again" autoComplete="new-password" />
      <Button size="lg" disabled={busy}>
        {busy ? "Changing…" : "Change password"}
      </Button>
    </Form>
  );
}

export default function Account() {
  const { operator, sessions, notifications } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
          <Banner tone="success" className="mt-2">
            Password changed. Your other sessions were signed out.
          </Banner>
        ) : null}
        {changed === "session" ? (
          <Banner tone="success" className="mt-2">
            Session revoked.
          </Banner>
        ) : null}
        <ErrorBanner errors={formErrorsOf(result) ?? result?.error?.id ?? result?.error?.intent ?? undefined} className="mt-2" />
      </div>
      <NotificationSettings prefs={notifications} saved={changed === "notifications"} result={resultFor(result, { intent: "notifications" })} />
      <div>
        <h2 className="mb-2 text-lg font-medium">Change password</h2>
        <ChangePassword result={result} />
      </div>
      <div>
        <h2 className="mb-2 text-lg font-medium">Active sessions</h2>
        <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
          <Table caption="Active sessions">
            <TableHead boxed columns={["Signed in", "IP", "Browser", "Expires if idle", ""]} />
            <tbody>
              {sessions.map((session) => (
                <Tr key={session.id} data-testid={session.current ? "current-session" : undefined}>
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
                      <Button variant="secondary" size="sm">
                        {session.current ? "End this session" : "Revoke"}
                      </Button>
                    </Form>
                  </td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </div>
      </div>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
