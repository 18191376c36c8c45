// Admin: Console-wide settings. Today one: what the end user sees of an operator in messages (ADR 120).
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

export const meta: MetaFunction = () => [{ title: "Settings · FleetLM Console" }];

const SettingsSchema = z.object({ intent: z.literal("operator-identity"), operatorIdentity: OperatorIdentitySchema });

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return { operatorIdentity: await operatorIdentityPolicy(), labels: OPERATOR_IDENTITY_LABELS, defaultIdentity: DEFAULT_OPERATOR_IDENTITY };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const parsed = parseForm(SettingsSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  await setOperatorIdentityPolicy(parsed.data.operatorIdentity, admin, clientIp(context));
  throw redirect("/admin/settings?saved=1");
}

const EXAMPLES: Record<OperatorIdentity, string> = {
  none: `{"source": "operator", "client_message_id": "…"}`,
  "display-name": `{"source": "operator", "operator_name": "Dana", "client_message_id": "…"}`,
  full: `{"source": "operator", "operator_id": "…", "operator_name": "Dana", "takeover_id": "…", "client_message_id": "…"}`,
};

export default function SettingsPage() {
  const { operatorIdentity, labels, defaultIdentity } = useLoaderData<typeof loader>();
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
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
