// Admin: Console-wide settings: what the end user sees of an operator in messages (ADR 120), and the optional
// join/leave message when an operator takes a session over or hands it back (ADR 160).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Banner, ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { CheckboxField, Field, FieldError } from "~/components/ui/field";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import {
  DEFAULT_OPERATOR_IDENTITY,
  OPERATOR_IDENTITY_LABELS,
  operatorIdentityPolicy,
  setOperatorIdentityPolicy,
  type OperatorIdentity,
} from "~/settings/operator-identity.server";
import { DEFAULT_JOIN_LEAVE, type JoinLeave } from "~/settings/join-leave";
import { joinLeaveSetting, setJoinLeave } from "~/settings/join-leave.server";
import { JoinLeaveFormSchema, OperatorIdentityFormSchema, SettingsIntentSchema } from "~/settings/forms";

export const meta: MetaFunction = () => [{ title: "Settings · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return {
    operatorIdentity: await operatorIdentityPolicy(),
    labels: OPERATOR_IDENTITY_LABELS,
    defaultIdentity: DEFAULT_OPERATOR_IDENTITY,
    joinLeave: await joinLeaveSetting(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "join-leave") {
    const submission = parseSubmission(form, JoinLeaveFormSchema);
    if (submission.status !== "success") return rejected(submission);
    const { intent: _intent, ...value } = submission.value;
    await setJoinLeave(value, admin, clientIp(context));
  } else if (intent === "operator-identity") {
    const submission = parseSubmission(form, OperatorIdentityFormSchema);
    if (submission.status !== "success") return rejected(submission);
    await setOperatorIdentityPolicy(submission.value.operatorIdentity, admin, clientIp(context));
  } else return rejected(parseSubmission(form, SettingsIntentSchema));
  throw redirect("/admin/settings?saved=1");
}

const EXAMPLES: Record<OperatorIdentity, string> = {
  none: `{"source": "operator", "client_message_id": "…"}`,
  "display-name": `{"source": "operator", "operator_name": "Dana", "client_message_id": "…"}`,
  full: `{"source": "operator", "operator_id": "…", "operator_name": "Dana", "takeover_id": "…", "client_message_id": "…"}`,
};

export default function SettingsPage() {
  const { operatorIdentity, labels, defaultIdentity, joinLeave } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Settings</h1>
      {params.get("saved") ? <Banner tone="success">Settings saved.</Banner> : null}
      <ErrorBanner errors={result?.error?.intent} />
      <OperatorIdentityForm
        value={operatorIdentity}
        labels={labels}
        defaultIdentity={defaultIdentity}
        result={resultFor(result, { intent: "operator-identity" })}
      />
      <JoinLeaveForm value={joinLeave} result={resultFor(result, { intent: "join-leave" })} />
    </div>
  );
}

function useBusy(intent: string) {
  return useNavigation().formData?.get("intent") === intent;
}

function OperatorIdentityForm({
  value,
  labels,
  defaultIdentity,
  result,
}: {
  value: OperatorIdentity;
  labels: Record<OperatorIdentity, string>;
  defaultIdentity: OperatorIdentity;
  result?: SubmissionResult<string[]>;
}) {
  const busy = useBusy("operator-identity");
  const [form, fields] = useSchemaForm(OperatorIdentityFormSchema, { lastResult: result, defaultValue: { operatorIdentity: value } });
  const field = fields.operatorIdentity;
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <input type="hidden" name="intent" value="operator-identity" />
      <fieldset className="space-y-2" aria-invalid={field.errors ? true : undefined} aria-describedby={field.errors ? field.errorId : field.descriptionId}>
        <legend className="font-medium">What end users see of an operator</legend>
        <p id={field.descriptionId} className="text-sm text-slate-600 dark:text-slate-400">
          A reply sent during a takeover reaches the user's app as the agent's message. FleetLM passes its metadata to the app as is, so these fields are
          visible to the user. Applies to replies sent and replies stopped from now on.
        </p>
        {(Object.keys(labels) as OperatorIdentity[]).map((option) => (
          <label key={option} className="flex items-start gap-2 text-sm">
            <input type="radio" name={field.name} value={option} defaultChecked={option === value} className="mt-1" />
            <span>
              {labels[option]}
              {option === defaultIdentity ? " (default)" : ""}
              <code className="mt-0.5 block text-xs text-slate-600 dark:text-slate-400">{EXAMPLES[option]}</code>
            </span>
          </label>
        ))}
        <FieldError meta={field} />
      </fieldset>
      <Button size="lg" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </Button>
    </Form>
  );
}

function JoinLeaveForm({ value, result }: { value: JoinLeave; result?: SubmissionResult<string[]> }) {
  const busy = useBusy("join-leave");
  const [form, fields] = useSchemaForm(JoinLeaveFormSchema, {
    lastResult: result,
    defaultValue: { enabled: value.enabled ? "on" : undefined, kind: value.kind, join: value.join, leave: value.leave },
  });
  return (
    <Form
      method="post"
      {...getFormProps(form)}
      aria-label="Join and leave message"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <input type="hidden" name="intent" value="join-leave" />
      <fieldset className="space-y-2">
        <legend className="font-medium">Tell the user when a person joins and leaves</legend>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          When an operator takes a session over or hands it back, the Console appends a message of this kind as the agent, with{" "}
          <code className="text-xs">{`{"source": "console", "event": "operator_joined"}`}</code> (or <code className="text-xs">operator_left</code>) in its
          metadata. The user's app decides how to show it; the agent sees it in the history of its next call. <code className="text-xs">{"{name}"}</code> is the
          operator's display name, or "A person" when end users see no names.
        </p>
        <CheckboxField meta={fields.enabled} label="Send join and leave messages (off by default)" />
        <Field meta={fields.kind} label="Message kind" placeholder={DEFAULT_JOIN_LEAVE.kind} density="sm" />
        <Field meta={fields.join} label="When someone takes over" density="sm" />
        <Field meta={fields.leave} label="When they hand back" density="sm" />
      </fieldset>
      <Button size="lg" disabled={busy}>
        {busy ? "Saving…" : "Save join and leave messages"}
      </Button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
