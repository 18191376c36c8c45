// Admins set the inbox's handoff rules: the phrases that mean "the user asks for a person", how long a user's
// message may go unanswered before the session waits on a human, and the round-robin cap per operator.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { audit } from "~/audit/audit.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { inboxSettings, InboxSettingsSchema, saveInboxSettings } from "~/inbox/inbox-settings.server";
import { backfillProgress } from "~/inbox/search-backfill.server";
import { SearchBackfillStatus } from "~/inbox/components/search-backfill-status";
import { clientIp } from "~/lib/client-ip.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Inbox settings · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  const [settings, backfill] = await Promise.all([inboxSettings(), backfillProgress()]);
  return { settings, backfill };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const phrases = String(form.get("handoffPhrases") ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const parsed = InboxSettingsSchema.safeParse({ handoffPhrases: phrases, unansweredMinutes: form.get("unansweredMinutes"), assignCap: form.get("assignCap") });
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues)
      (errors[String(issue.path[0])] ??= []).push(issue.path.length > 1 ? `line ${Number(issue.path[1]) + 1}: ${issue.message}` : issue.message);
    return data({ ok: false as const, errors }, { status: 400 });
  }
  await saveInboxSettings(parsed.data);
  await audit({
    actor: { id: me.id, email: me.email },
    action: "inbox.settings",
    targetType: "inbox",
    targetId: "settings",
    details: parsed.data,
    ip: clientIp(context),
  });
  return { ok: true as const, errors: {} as Record<string, string[]> };
}

export default function InboxSettingsPage() {
  const { settings, backfill } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.errors : {};
  const field = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
  const err = (name: string) =>
    errors[name] ? (
      <p id={`${name}-error`} className="text-sm text-red-700 dark:text-red-300">
        {errors[name]!.join(" ")}
      </p>
    ) : null;
  return (
    <div className="max-w-xl space-y-4">
      <h1 className="text-xl font-semibold">Inbox settings</h1>
      <Form method="post" className="space-y-4" noValidate>
        <label className="block text-sm">
          Phrases that mean the user asks for a person (one per line, any case)
          <textarea
            name="handoffPhrases"
            rows={8}
            defaultValue={settings.handoffPhrases.join("\n")}
            className={field}
            aria-invalid={errors.handoffPhrases ? true : undefined}
            aria-describedby={errors.handoffPhrases ? "handoffPhrases-error" : undefined}
          />
        </label>
        {err("handoffPhrases")}
        <label className="block text-sm">
          Minutes a user message may go unanswered before the session waits on a human
          <input
            name="unansweredMinutes"
            type="number"
            min={1}
            max={10080}
            defaultValue={settings.unansweredMinutes}
            className={field}
            aria-invalid={errors.unansweredMinutes ? true : undefined}
            aria-describedby={errors.unansweredMinutes ? "unansweredMinutes-error" : undefined}
          />
        </label>
        {err("unansweredMinutes")}
        <label className="block text-sm">
          Round-robin cap: unresolved sessions per operator
          <input
            name="assignCap"
            type="number"
            min={1}
            max={1000}
            defaultValue={settings.assignCap}
            className={field}
            aria-invalid={errors.assignCap ? true : undefined}
            aria-describedby={errors.assignCap ? "assignCap-error" : undefined}
          />
        </label>
        {err("assignCap")}
        <button disabled={busy} className="rounded bg-slate-800 px-3 py-1 text-sm text-white disabled:opacity-60 dark:bg-slate-200 dark:text-slate-900">
          {busy ? "Saving…" : "Save"}
        </button>
        {result?.ok ? (
          <p role="status" className="text-sm text-green-800 dark:text-green-300">
            Saved.
          </p>
        ) : null}
      </Form>
      <SearchBackfillStatus progress={backfill} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
