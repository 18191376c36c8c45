// Admins set the inbox's handoff rules: the phrases that mean "the user asks for a person", how long a user's
// message may go unanswered before the session waits on a human, and the round-robin cap per operator.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { audit } from "~/audit/audit.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Banner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field, TextareaField } from "~/components/ui/field";
import { inboxSettings, saveInboxSettings } from "~/inbox/inbox-settings.server";
import { InboxSettingsFormSchema } from "~/inbox/settings-form";
import { backfillProgress } from "~/inbox/search-backfill.server";
import { SearchBackfillStatus } from "~/inbox/components/search-backfill-status";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Inbox settings · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  const [settings, backfill] = await Promise.all([inboxSettings(), backfillProgress()]);
  return { settings, backfill };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const submission = parseSubmission(form, InboxSettingsFormSchema);
  if (submission.status !== "success") return rejected(submission);
  await saveInboxSettings(submission.value);
  await audit({
    actor: { id: me.id, email: me.email },
    action: "inbox.settings",
    targetType: "inbox",
    targetId: "settings",
    details: submission.value,
    ip: clientIp(context),
  });
  return submission.reply();
}

export default function InboxSettingsPage() {
  const { settings, backfill } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useSchemaForm(InboxSettingsFormSchema, {
    lastResult: result,
    defaultValue: {
      handoffPhrases: settings.handoffPhrases.join("\n"),
      unansweredMinutes: String(settings.unansweredMinutes),
      assignCap: String(settings.assignCap),
    },
  });
  return (
    <div className="max-w-xl space-y-4">
      <h1 className="text-xl font-semibold">Inbox settings</h1>
      <Form method="post" {...getFormProps(form)} className="space-y-4" aria-label="Inbox settings">
        <TextareaField meta={fields.handoffPhrases} label="Phrases that mean the user asks for a person (one per line, any case)" rows={8} />
        <Field meta={fields.unansweredMinutes} type="number" label="Minutes a user message may go unanswered before the session waits on a human" />
        <Field meta={fields.assignCap} type="number" label="Round-robin cap: unresolved sessions per operator" />
        <Button variant="neutral" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </Button>
        {result?.status === "success" && !busy ? <Banner tone="success">Saved.</Banner> : null}
      </Form>
      <SearchBackfillStatus progress={backfill} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
