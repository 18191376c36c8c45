// Admins manage the labels reviewers pick from, each with an optional one-key shortcut for the queue.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { Table, TableHead, Td, Tr } from "~/components/ui/table";
import { clientIp } from "~/lib/client-ip.server";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { CreateLabelFormSchema, DeleteLabelFormSchema, LabelIntentSchema, UpdateLabelFormSchema } from "~/reviews/label-forms";
import { createLabel, deleteLabel, LabelConflictError, listLabels, RESERVED_KEYS, updateLabel } from "~/reviews/labels.server";

export const meta: MetaFunction = () => [{ title: "Review labels · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return { labels: await listLabels(), reserved: RESERVED_KEYS };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const intent = parseSubmission(form, LabelIntentSchema);
  if (intent.status !== "success") return rejected(intent);
  const ip = clientIp(context);
  const submission =
    intent.value.intent === "delete"
      ? parseSubmission(form, DeleteLabelFormSchema)
      : intent.value.intent === "update"
        ? parseSubmission(form, UpdateLabelFormSchema)
        : parseSubmission(form, CreateLabelFormSchema);
  if (submission.status !== "success") return rejected(submission);
  const value = submission.value;
  try {
    if (value.intent === "delete") await deleteLabel(value.id, me, ip);
    else if (value.intent === "update") await updateLabel(value.id, { name: value.name, hotkey: value.hotkey }, me, ip);
    else await createLabel({ name: value.name, hotkey: value.hotkey }, me, ip);
  } catch (error) {
    if (error instanceof LabelConflictError) return rejected(submission, { fieldErrors: { [error.field]: [error.message] } });
    throw error;
  }
  throw redirect("/admin/review-labels");
}

type Label = Awaited<ReturnType<typeof loader>>["labels"][number];

function LabelRow({ label, result, busy }: { label: Label; result: unknown; busy: boolean }) {
  const [form, fields] = useSchemaForm(UpdateLabelFormSchema, {
    lastResult: resultFor(result, { intent: "update", id: label.id }),
    defaultValue: { name: label.name, hotkey: label.hotkey ?? "" },
  });
  return (
    <Tr>
      <Td colSpan={2}>
        <Form method="post" {...getFormProps(form)} className="flex items-start gap-2">
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="id" value={label.id} />
          <Field meta={fields.name} label={<span className="sr-only">Name of {label.name}</span>} density="sm" className="flex-1" controlClassName="mt-0" />
          <Field
            meta={fields.hotkey}
            label={<span className="sr-only">Hotkey of {label.name}</span>}
            density="sm"
            className="w-28"
            controlClassName="mt-0 text-center"
          />
          <Button variant="secondary" disabled={busy}>
            Save
          </Button>
        </Form>
      </Td>
      <Td className="text-right">
        <Form
          method="post"
          onSubmit={(e) => {
            if (!confirm(`Delete the label "${label.name}"?`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="id" value={label.id} />
          <Button variant="ghost" disabled={busy} className="text-red-700 dark:text-red-400">
            Delete
          </Button>
        </Form>
      </Td>
    </Tr>
  );
}

function NewLabel({ result, busy }: { result: unknown; busy: boolean }) {
  const [form, fields] = useSchemaForm(CreateLabelFormSchema, { lastResult: resultFor(result, { intent: "create" }) });
  return (
    <Form
      method="post"
      {...getFormProps(form)}
      className="flex flex-wrap items-start gap-2 rounded border border-slate-200 p-3 dark:border-slate-800"
      aria-label="New label"
    >
      <input type="hidden" name="intent" value="create" />
      <Field meta={fields.name} label="New label" density="sm" />
      <Field meta={fields.hotkey} label="Hotkey" density="sm" className="w-28" controlClassName="text-center" />
      <Button disabled={busy} className="mt-5">
        Add label
      </Button>
    </Form>
  );
}

export default function ReviewLabels() {
  const { labels, reserved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-xl font-semibold">Review labels</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Reviewers tag agent replies with these. A hotkey (one letter or digit) toggles the label in the review queue; {reserved.join(" ")} are taken by the
        queue. Renaming or deleting a label leaves existing reviews with the name they were given.
      </p>
      <ErrorBanner errors={formErrorsOf(result) ?? result?.error?.intent ?? result?.error?.id ?? undefined} />
      <Table caption="Review labels">
        <TableHead columns={["Name", "Hotkey", ""]} />
        <tbody>
          {labels.map((label) => (
            <LabelRow key={label.id} label={label} result={result} busy={busy} />
          ))}
        </tbody>
      </Table>
      <NewLabel result={result} busy={busy} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
