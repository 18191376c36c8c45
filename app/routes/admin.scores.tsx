// Admins define the scores review queues ask for: numeric (range, step), categorical (named options) or
// boolean, with a description and an optional rubric. Saving an existing score writes its next version.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { currentScoreConfigs, retireScoreConfig, saveScoreConfig, ScoreConfigFormSchema, ScoreKeyTakenError } from "~/reviews/scores/score-configs.server";
import type { ScoreConfigView } from "~/reviews/scores/score-types";

export const meta: MetaFunction = () => [{ title: "Review scores · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:manage");
  return { configs: await currentScoreConfigs() };
}

const IntentSchema = z.object({ intent: z.enum(["create", "edit", "retire"]) });
const KeySchema = z.object({ key: z.string().trim().min(1).max(40) });

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return intent.response;
  const ip = clientIp(context);
  if (intent.data.intent === "retire") {
    const key = parseForm(KeySchema, form);
    if (!key.ok) return key.response;
    await retireScoreConfig(me, key.data.key, ip);
    throw redirect("/admin/scores");
  }
  const parsed = parseForm(ScoreConfigFormSchema, form);
  if (!parsed.ok) return parsed.response;
  try {
    await saveScoreConfig(me, parsed.data, intent.data.intent, ip);
  } catch (error) {
    if (error instanceof ScoreKeyTakenError) return invalid({ key: [error.message] }, Object.fromEntries([...form].map(([k, v]) => [k, String(v)])));
    throw error;
  }
  throw redirect("/admin/scores");
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

function describeConfig(c: ScoreConfigView) {
  if (c.kind === "numeric") return `${c.min}–${c.max}${c.step ? ` in steps of ${c.step}` : ""}`;
  if (c.kind === "categorical") return c.options.join(" · ");
  return "yes / no";
}

function ConfigForm({
  config,
  errors,
  values,
}: {
  config?: ScoreConfigView;
  errors: Record<string, string[] | undefined>;
  values: Record<string, string | undefined>;
}) {
  const mine = config ? values.key === config.key : !values.key || values.intent === "create";
  const v = (name: string, fallback: string) => (mine && values[name] !== undefined ? values[name]! : fallback);
  const [kind, setKind] = useState(v("kind", config?.kind ?? "numeric"));
  const busy = useNavigation().state === "submitting";
  const err = (name: string) =>
    mine && errors[name] ? (
      <span className="text-xs text-red-600" role="alert">
        {errors[name]!.join(" ")}
      </span>
    ) : null;
  return (
    <Form method="post" className="grid gap-2 text-sm md:grid-cols-2" aria-label={config ? `Edit ${config.label}` : "New score"}>
      <input type="hidden" name="intent" value={config ? "edit" : "create"} />
      <label className="flex flex-col">
        Key{config ? <input type="hidden" name="key" value={config.key} /> : null}
        <input
          name={config ? undefined : "key"}
          disabled={Boolean(config)}
          defaultValue={config?.key ?? v("key", "")}
          placeholder="helpfulness"
          className={input}
        />
        {err("key")}
      </label>
      <label className="flex flex-col">
        Label
        <input name="label" defaultValue={v("label", config?.label ?? "")} className={input} />
        {err("label")}
      </label>
      <label className="flex flex-col">
        Kind
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className={input}>
          <option value="numeric">numeric</option>
          <option value="categorical">categorical</option>
          <option value="boolean">boolean</option>
        </select>
        {err("kind")}
      </label>
      <label className="flex items-center gap-2 pt-5">
        <input type="checkbox" name="required" defaultChecked={config ? config.required : true} /> Required in a review
      </label>
      {kind === "numeric" ? (
        <div className="flex gap-2 md:col-span-2">
          <label className="flex flex-col">
            Min
            <input name="min" type="number" step="any" defaultValue={v("min", String(config?.min ?? 1))} className={`${input} w-24`} />
            {err("min")}
          </label>
          <label className="flex flex-col">
            Max
            <input name="max" type="number" step="any" defaultValue={v("max", String(config?.max ?? 5))} className={`${input} w-24`} />
            {err("max")}
          </label>
          <label className="flex flex-col">
            Step
            <input name="step" type="number" step="any" defaultValue={v("step", String(config?.step ?? 1))} className={`${input} w-24`} />
            {err("step")}
          </label>
        </div>
      ) : null}
      {kind === "categorical" ? (
        <label className="flex flex-col md:col-span-2">
          Options (one a line)
          <textarea name="options" rows={3} defaultValue={v("options", config?.options.join("\n") ?? "")} className={input} />
          {err("options")}
        </label>
      ) : null}
      <label className="flex flex-col md:col-span-2">
        Description
        <input name="description" defaultValue={v("description", config?.description ?? "")} className={input} />
        {err("description")}
      </label>
      <label className="flex flex-col md:col-span-2">
        Rubric (shown beside the score while reviewing)
        <textarea name="rubric" rows={3} defaultValue={v("rubric", config?.rubric ?? "")} className={input} />
        {err("rubric")}
      </label>
      <div className="md:col-span-2">
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 font-medium text-white disabled:opacity-60">
          {config ? `Save as version ${config.version + 1}` : "Create score"}
        </button>
      </div>
    </Form>
  );
}

export default function AdminScores() {
  const { configs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string[] | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Review scores</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Scores a queue's reviewers fill besides good/bad and labels. Saving a score writes a new version: reviews already written keep the version they were
        scored with, and exports name it.
      </p>
      <ul className="space-y-2" data-testid="score-configs">
        {configs.map((c) => (
          <li key={c.id} className="rounded border border-slate-200 p-3 dark:border-slate-800">
            <details>
              <summary className="cursor-pointer text-sm">
                <span className="font-medium">{c.label}</span>{" "}
                <span className="font-mono text-xs text-slate-500">
                  {c.key} v{c.version}
                </span>{" "}
                · {c.kind} · {describeConfig(c)}
                {c.required ? " · required" : ""}
              </summary>
              <div className="mt-2 space-y-2">
                <ConfigForm config={c} errors={errors} values={values} />
                <Form method="post">
                  <input type="hidden" name="intent" value="retire" />
                  <input type="hidden" name="key" value={c.key} />
                  <button className="text-xs text-red-700 underline dark:text-red-400">Retire (new queues cannot use it; past reviews stay)</button>
                </Form>
              </div>
            </details>
          </li>
        ))}
        {configs.length === 0 ? <li className="text-sm text-slate-500">No scores yet.</li> : null}
      </ul>
      <section className="rounded border border-slate-200 p-3 dark:border-slate-800">
        <h2 className="mb-2 font-semibold">New score</h2>
        {/* Keyed on the list, so the form starts empty again after a score was created. */}
        <ConfigForm key={configs.length} errors={errors} values={values} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
