// Admin: the small list of canned replies operators insert with "/" in the takeover composer.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field, TextareaField } from "~/components/ui/field";
import { clientIp } from "~/lib/client-ip.server";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { CannedIntentSchema, CreateCannedFormSchema, DeleteCannedFormSchema, UpdateCannedFormSchema } from "~/takeover/canned-reply-forms";
import { CANNED_LIMIT, createCannedReply, deleteCannedReply, listCannedReplies, TitleTakenError, updateCannedReply } from "~/takeover/canned-replies.server";

export const meta: MetaFunction = () => [{ title: "Canned replies · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return { replies: await listCannedReplies(), limit: CANNED_LIMIT };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const intent = parseSubmission(form, CannedIntentSchema);
  if (intent.status !== "success") return rejected(intent);
  const ip = clientIp(context);
  const submission =
    intent.value.intent === "create"
      ? parseSubmission(form, CreateCannedFormSchema)
      : intent.value.intent === "update"
        ? parseSubmission(form, UpdateCannedFormSchema)
        : parseSubmission(form, DeleteCannedFormSchema);
  if (submission.status !== "success") return rejected(submission);
  const value = submission.value;
  try {
    if (value.intent === "create") {
      if ((await listCannedReplies()).length >= CANNED_LIMIT)
        return rejected(submission, { fieldErrors: { title: [`At most ${CANNED_LIMIT} canned replies.`] } });
      await createCannedReply({ title: value.title, body: value.body }, admin, ip);
    } else if (value.intent === "update") {
      if (!(await updateCannedReply(value.id, { title: value.title, body: value.body }, admin, ip)))
        throw new Response("Canned reply not found", { status: 404 });
    } else if (!(await deleteCannedReply(value.id, admin, ip))) throw new Response("Canned reply not found", { status: 404 });
  } catch (error) {
    if (error instanceof TitleTakenError) return rejected(submission, { fieldErrors: { title: ["A canned reply with this title exists."] } });
    throw error;
  }
  throw redirect("/admin/canned-replies");
}

type Reply = Awaited<ReturnType<typeof loader>>["replies"][number];

function NewCannedReply({ result, busy }: { result: unknown; busy: boolean }) {
  const [form, fields] = useSchemaForm(CreateCannedFormSchema, { lastResult: resultFor(result, { intent: "create" }) });
  return (
    <Form
      method="post"
      {...getFormProps(form)}
      className="flex flex-col gap-2 rounded border border-slate-200 p-3 dark:border-slate-800"
      aria-label="New canned reply"
    >
      <h2 className="font-medium">New canned reply</h2>
      <Field meta={fields.title} label="Title" density="sm" />
      <TextareaField meta={fields.body} label="Text" rows={3} density="sm" />
      <Button name="intent" value="create" variant="secondary" disabled={busy} className="self-start">
        Add
      </Button>
    </Form>
  );
}

function CannedReplyItem({ reply, result, busy }: { reply: Reply; result: unknown; busy: boolean }) {
  const [form, fields] = useSchemaForm(UpdateCannedFormSchema, {
    lastResult: resultFor(result, { intent: "update", id: reply.id }),
    defaultValue: { title: reply.title, body: reply.body },
  });
  return (
    <li className="rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="canned-reply">
      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-2" aria-label={`Canned reply ${reply.title}`}>
        <input type="hidden" name="id" value={reply.id} />
        <Field meta={fields.title} label="Title" density="sm" />
        <TextareaField meta={fields.body} label="Text" rows={3} density="sm" />
        <div className="flex gap-2">
          <Button name="intent" value="update" variant="secondary" disabled={busy}>
            Save
          </Button>
          {/* Deleting needs no valid title or text: the browser's check is skipped for this button. */}
          <Button name="intent" value="delete" variant="secondary" disabled={busy} formNoValidate className="text-red-800 dark:text-red-200">
            Delete
          </Button>
        </div>
      </Form>
    </li>
  );
}

export default function CannedReplies() {
  const { replies, limit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4">
      <h1 className="text-xl font-semibold">Canned replies</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Operators holding a session type “/” in the composer to insert one of these (at most {limit}).
      </p>
      <ErrorBanner errors={formErrorsOf(result) ?? result?.error?.intent ?? result?.error?.id ?? undefined} />
      <NewCannedReply result={result} busy={busy} />
      <ul className="flex flex-col gap-3">
        {replies.map((reply) => (
          <CannedReplyItem key={reply.id} reply={reply} result={result} busy={busy} />
        ))}
      </ul>
      {replies.length === 0 ? <p className="text-sm text-slate-600 dark:text-slate-400">No canned replies yet.</p> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
