// Admin: Console-wide settings: what the end user sees of an operator in messages (ADR 120), and the optional
// join/leave message when an operator takes a session over or hands it back (ADR 160).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
import {
  DEFAULT_OPERATOR_IDENTITY,
  OPERATOR_IDENTITY_LABELS,
  OperatorIdentitySchema,
  operatorIdentityPolicy,
  setOperatorIdentityPolicy,
  type OperatorIdentity,
} from "~/settings/operator-identity.server";
import { DEFAULT_JOIN_LEAVE, type JoinLeave } from "~/settings/join-leave";
import { JoinLeaveFormSchema, joinLeaveSetting, setJoinLeave } from "~/settings/join-leave.server";

export const meta: MetaFunction = () => [{ title: "Settings · FleetLM Console" }];

const SettingsSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("operator-identity"), operatorIdentity: OperatorIdentitySchema }),
  JoinLeaveFormSchema,
]);

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
  const parsed = parseForm(SettingsSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  if (parsed.data.intent === "join-leave") {
    const { intent: _intent, ...value } = parsed.data;
    await setJoinLeave(value, admin, clientIp(context));
  } else await setOperatorIdentityPolicy(parsed.data.operatorIdentity, admin, clientIp(context));
  throw redirect("/admin/settings?saved=1");
}

const EXAMPLES: Record<OperatorIdentity, string> = {
  none: `{"source": "operator", "client_message_id": "…"}`,
  "display-name": `{"source": "operator", "operator_name": "Dana", "client_message_id": "…"}`,
  full: `{"source": "operator", "operator_id": "…", "operator_name": "Dana", "takeover_id": "…", "client_message_id": "…"}`,
};

export default function SettingsPage() {
  const { operatorIdentity, labels, defaultIdentity, joinLeave } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ errors?: Record<string, string[]> }>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Settings</h1>
      <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <input type="hidden" name="intent" value="operator-identity" />
        <fieldset className="space-y-2">
          <legend className="font-medium">What end users see of an operator</legend>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A reply sent during a takeover reaches the user's app as the agent's message. FleetLM passes its metadata to the app as is, so these fields are
            visible to the user. Applies to replies sent and replies stopped from now on.
          </p>
          {(Object.keys(labels) as OperatorIdentity[]).map((value) => (
            <label key={value} className="flex items-start gap-2 text-sm">
              <input type="radio" name="operatorIdentity" value={value} defaultChecked={value === operatorIdentity} className="mt-1" />
              <span>
                {labels[value]}
                {value === defaultIdentity ? " (default)" : ""}
                <code className="mt-0.5 block text-xs text-slate-600 dark:text-slate-400">{EXAMPLES[value]}</code>
              </span>
            </label>
          ))}
          {actionData?.errors?.operatorIdentity ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {actionData.errors.operatorIdentity[0]}
            </p>
          ) : null}
        </fieldset>
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">
          {busy ? "Saving…" : "Save"}
        </button>
      </Form>
      <JoinLeaveForm value={joinLeave} errors={actionData?.errors} busy={busy} />
    </div>
  );
}

const inputClass = "mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

function JoinLeaveForm({ value, errors, busy }: { value: JoinLeave; errors?: Record<string, string[]>; busy: boolean }) {
  const error = (field: string) =>
    errors?.[field]?.[0] ? (
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {errors[field][0]}
      </p>
    ) : null;
  return (
    <Form
      method="post"
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
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={value.enabled} />
          Send join and leave messages (off by default)
        </label>
        <label className="block text-sm">
          Message kind
          <input name="kind" defaultValue={value.kind} maxLength={40} className={inputClass} placeholder={DEFAULT_JOIN_LEAVE.kind} />
        </label>
        {error("kind")}
        <label className="block text-sm">
          When someone takes over
          <input name="join" defaultValue={value.join} maxLength={200} className={inputClass} />
        </label>
        {error("join")}
        <label className="block text-sm">
          When they hand back
          <input name="leave" defaultValue={value.leave} maxLength={200} className={inputClass} />
        </label>
        {error("leave")}
      </fieldset>
      <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">
        {busy ? "Saving…" : "Save join and leave messages"}
      </button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
