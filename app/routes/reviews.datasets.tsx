// Datasets of reviewed replies (auditors and admins): create one, see its size, export it as JSONL (OpenAI chat
// fine-tuning format) or CSV. Replies are added from the review queue ("Add to dataset").
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { ExportButton } from "~/reviews/components/export-button";
import { createDataset, DatasetError, DatasetFormSchema, listDatasets } from "~/reviews/datasets/datasets.server";

export const meta: MetaFunction = () => [{ title: "Datasets · Reviews · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:curate");
  return { datasets: await listDatasets() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  const form = await readForm(request);
  const parsed = parseForm(DatasetFormSchema, form);
  if (!parsed.ok) return parsed.response;
  try {
    await createDataset(me, parsed.data, clientIp(context));
  } catch (error) {
    if (error instanceof DatasetError) return invalid({ [error.field]: [error.message] }, { name: parsed.data.name, description: parsed.data.description });
    throw error;
  }
  throw redirect("/reviews/datasets");
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

export default function Datasets() {
  const { datasets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string[] | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  return (
    <div className="max-w-3xl space-y-4">
      <div className="flex items-center gap-3">
        <h1 className="text-xl font-semibold">Datasets</h1>
        <Link to="/reviews" className="text-sm text-blue-600 underline dark:text-blue-400">
          Review queue
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Each item is a reviewed reply with the conversation up to it, copied when it was added, its scores (with their versions) and an optional corrected
        answer. The JSONL export is one <code>{'{"messages": [...]}'}</code> per line, the corrected answer (else the reply) last, ready for chat fine-tuning.
      </p>
      <ul className="space-y-2" data-testid="datasets">
        {datasets.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center gap-3 rounded border border-slate-200 p-2 text-sm dark:border-slate-800" data-testid="dataset">
            <span className="font-medium">{d.name}</span>
            <span className="text-slate-500" data-testid="dataset-size">
              {d.items} item{d.items === 1 ? "" : "s"}
            </span>
            {d.description ? <span className="text-slate-500">{d.description}</span> : null}
            <span className="ml-auto flex gap-3">
              <ExportButton href={`/reviews/datasets/${d.id}/export?format=jsonl`} label="JSONL" />
              <ExportButton href={`/reviews/datasets/${d.id}/export?format=csv`} label="CSV" />
            </span>
          </li>
        ))}
        {datasets.length === 0 ? <li className="text-sm text-slate-500">No datasets yet.</li> : null}
      </ul>
      <Form method="post" className="flex flex-wrap items-end gap-2 text-sm" aria-label="New dataset">
        <label className="flex flex-col">
          Name
          <input name="name" defaultValue={values.name} className={input} />
          {errors.name ? (
            <span role="alert" className="text-xs text-red-600">
              {errors.name.join(" ")}
            </span>
          ) : null}
        </label>
        <label className="flex grow flex-col">
          Description
          <input name="description" defaultValue={values.description} className={input} />
        </label>
        <button className="rounded bg-blue-600 px-3 py-1.5 font-medium text-white">Create dataset</button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
