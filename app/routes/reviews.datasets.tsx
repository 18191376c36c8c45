// Datasets of reviewed replies (auditors and admins): create one, see its size, export it as JSONL (OpenAI chat
// fine-tuning format) or CSV. Replies are added from the review queue ("Add to dataset").
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { ExportButton } from "~/reviews/components/export-button";
import { DatasetFormSchema } from "~/reviews/datasets/dataset-forms";
import { createDataset, DatasetError, listDatasets } from "~/reviews/datasets/datasets.server";

export const meta: MetaFunction = () => [{ title: "Datasets · Reviews · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:curate");
  return { datasets: await listDatasets() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  const form = await readForm(request);
  const submission = parseSubmission(form, DatasetFormSchema);
  if (submission.status !== "success") return rejected(submission);
  try {
    await createDataset(me, submission.value, clientIp(context));
  } catch (error) {
    if (error instanceof DatasetError) return rejected(submission, { status: error.status, fieldErrors: { [error.field]: [error.message] } });
    throw error;
  }
  throw redirect("/reviews/datasets");
}

export default function Datasets() {
  const { datasets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  // Keyed on the list: the form starts empty again once a dataset was created.
  const [form, fields] = useSchemaForm(DatasetFormSchema, { id: `dataset-new-${datasets.length}`, lastResult: result });
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
            <span className="text-slate-600 dark:text-slate-400" data-testid="dataset-size">
              {d.items} item{d.items === 1 ? "" : "s"}
            </span>
            {d.description ? <span className="text-slate-600 dark:text-slate-400">{d.description}</span> : null}
            <span className="ml-auto flex gap-3">
              <ExportButton href={`/reviews/datasets/${d.id}/export?format=jsonl`} label="JSONL" />
              <ExportButton href={`/reviews/datasets/${d.id}/export?format=csv`} label="CSV" />
            </span>
          </li>
        ))}
        {datasets.length === 0 ? <li className="text-sm text-slate-600 dark:text-slate-400">No datasets yet.</li> : null}
      </ul>
      <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-start gap-2 text-sm" aria-label="New dataset">
        <ErrorBanner errors={form.errors} className="w-full" />
        <Field meta={fields.name} label="Name" density="sm" className="w-full sm:w-56" />
        <Field meta={fields.description} label="Description" density="sm" className="min-w-0 grow" />
        <Button size="lg" disabled={busy} className="sm:mt-5">
          Create dataset
        </Button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
