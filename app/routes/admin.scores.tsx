// Admins define the scores review queues ask for: numeric (range, step), categorical (named options) or
// boolean, with a description and an optional rubric. Saving an existing score writes its next version.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { CheckboxField, Field, SelectField, TextareaField } from "~/components/ui/field";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { currentScoreConfigs, retireScoreConfig, saveScoreConfig, ScoreKeyTakenError } from "~/reviews/scores/score-configs.server";
import { RetireScoreFormSchema, SaveScoreFormSchema, ScoreIntentSchema } from "~/reviews/scores/score-forms";
import type { ScoreConfigView } from "~/reviews/scores/score-types";

export const meta: MetaFunction = () => [{ title: "Review scores · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:manage");
  return { configs: await currentScoreConfigs() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const form = await readForm(request);
  const intent = parseSubmission(form, ScoreIntentSchema);
  if (intent.status !== "success") return rejected(intent);
  const ip = clientIp(context);
  if (intent.value.intent === "retire") {
    const retire = parseSubmission(form, RetireScoreFormSchema);
    if (retire.status !== "success") return rejected(retire);
    await retireScoreConfig(me, retire.value.key, ip);
    throw redirect("/admin/scores");
  }
  const submission = parseSubmission(form, SaveScoreFormSchema);
  if (submission.status !== "success") return rejected(submission);
  try {
    await saveScoreConfig(me, submission.value, submission.value.intent, ip);
  } catch (error) {
    if (error instanceof ScoreKeyTakenError) return rejected(submission, { fieldErrors: { key: [error.message] } });
    throw error;
  }
  throw redirect("/admin/scores");
}

function describeConfig(c: ScoreConfigView) {
  if (c.kind === "numeric") return `${c.min}–${c.max}${c.step ? ` in steps of ${c.step}` : ""}`;
  if (c.kind === "categorical") return c.options.join(" · ");
  return "yes / no";
}

function ConfigForm({ config, result }: { config?: ScoreConfigView; result: unknown }) {
  const lastResult = config ? resultFor(result, { intent: "edit", key: config.key }) : resultFor(result, { intent: "create" });
  const [form, fields] = useSchemaForm(SaveScoreFormSchema, {
    id: config ? `score-${config.key}` : "score-new",
    lastResult,
    defaultValue: {
      key: config?.key ?? "",
      label: config?.label ?? "",
      kind: config?.kind ?? "numeric",
      min: String(config?.min ?? 1),
      max: String(config?.max ?? 5),
      step: String(config?.step ?? 1),
      options: config?.options.join("\n") ?? "",
      description: config?.description ?? "",
      rubric: config?.rubric ?? "",
      required: (config ? config.required : true) ? "on" : undefined,
    },
  });
  const sent = (lastResult?.initialValue ?? {}) as Record<string, unknown>;
  const [kind, setKind] = useState(String(sent.kind ?? config?.kind ?? "numeric"));
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-2 text-sm md:grid-cols-2" aria-label={config ? `Edit ${config.label}` : "New score"}>
      <input type="hidden" name="intent" value={config ? "edit" : "create"} />
      <ErrorBanner errors={form.errors} className="md:col-span-2" />
      {/* An existing score's key is sent as it is (read-only): saving writes its next version. */}
      <Field meta={fields.key} label="Key" density="sm" readOnly={Boolean(config)} placeholder="helpfulness" />
      <Field meta={fields.label} label="Label" density="sm" />
      <SelectField meta={fields.kind} label="Kind" density="sm" options={KINDS} onChange={(e) => setKind(e.target.value)} />
      <CheckboxField meta={fields.required} label="Required in a review" className="md:pt-5" />
      {kind === "numeric" ? (
        <div className="flex flex-wrap gap-2 md:col-span-2">
          <Field meta={fields.min} label="Min" type="number" step="any" density="sm" className="w-24" />
          <Field meta={fields.max} label="Max" type="number" step="any" density="sm" className="w-24" />
          <Field meta={fields.step} label="Step" type="number" step="any" density="sm" className="w-24" />
        </div>
      ) : null}
      {kind === "categorical" ? <TextareaField meta={fields.options} label="Options (one a line)" rows={3} density="sm" className="md:col-span-2" /> : null}
      <Field meta={fields.description} label="Description" density="sm" className="md:col-span-2" />
      <TextareaField meta={fields.rubric} label="Rubric (shown beside the score while reviewing)" rows={3} density="sm" className="md:col-span-2" />
      <div className="md:col-span-2">
        <Button size="lg" disabled={busy}>
          {config ? `Save as version ${config.version + 1}` : "Create score"}
        </Button>
      </div>
    </Form>
  );
}

const KINDS = [
  { value: "numeric", label: "numeric" },
  { value: "categorical", label: "categorical" },
  { value: "boolean", label: "boolean" },
];

export default function AdminScores() {
  const { configs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Review scores</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Scores a queue's reviewers fill besides good/bad and labels. Saving a score writes a new version: reviews already written keep the version they were
        scored with, and exports name it.
      </p>
      {/* A refused retire (a hand-made post) or an unknown intent: the forms' own errors show inside them. */}
      <ErrorBanner errors={resultFor(result, { intent: "retire" })?.error?.key ?? result?.error?.intent ?? undefined} />
      <ul className="space-y-2" data-testid="score-configs">
        {configs.map((c) => (
          <li key={c.id} className="rounded border border-slate-200 p-3 dark:border-slate-800">
            <details>
              <summary className="cursor-pointer text-sm">
                <span className="font-medium">{c.label}</span>{" "}
                <span className="font-mono text-xs text-slate-600 dark:text-slate-400">
                  {c.key} v{c.version}
                </span>{" "}
                · {c.kind} · {describeConfig(c)}
                {c.required ? " · required" : ""}
              </summary>
              <div className="mt-2 space-y-2">
                <ConfigForm config={c} result={result} />
                <Form method="post">
                  <input type="hidden" name="intent" value="retire" />
                  <input type="hidden" name="key" value={c.key} />
                  <Button variant="ghost" size="sm" className="text-red-700 dark:text-red-400">
                    Retire (new queues cannot use it; past reviews stay)
                  </Button>
                </Form>
              </div>
            </details>
          </li>
        ))}
        {configs.length === 0 ? <li className="text-sm text-slate-600 dark:text-slate-400">No scores yet.</li> : null}
      </ul>
      <section className="rounded border border-slate-200 p-3 dark:border-slate-800">
        <h2 className="mb-2 font-semibold">New score</h2>
        {/* Keyed on the list, so the form starts empty again after a score was created. */}
        <ConfigForm key={configs.length} result={result} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
