// Admin: the small list of canned replies operators insert with "/" in the takeover composer.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { formValues, invalid, parseForm, readForm } from "~/lib/forms.server";
import {
  CANNED_LIMIT,
  CannedReplySchema,
  createCannedReply,
  deleteCannedReply,
  listCannedReplies,
  TitleTakenError,
  updateCannedReply,
} from "~/takeover/canned-replies.server";

export const meta: MetaFunction = () => [{ title: "Canned replies · FleetLM Console" }];

const IdSchema = z.object({ id: z.string().min(1).max(100) });
const Forms = {
  create: CannedReplySchema,
  update: CannedReplySchema.extend(IdSchema.shape),
  delete: IdSchema,
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return { replies: await listCannedReplies(), limit: CANNED_LIMIT };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent !== "create" && intent !== "update" && intent !== "delete") return invalid({ intent: ["Unknown action."] }, formValues(form));
  const ip = clientIp(context);
  try {
    if (intent === "create") {
      const parsed = parseForm(Forms.create, form);
      if (!parsed.ok) return parsed.response;
      if ((await listCannedReplies()).length >= CANNED_LIMIT) return invalid({ title: [`At most ${CANNED_LIMIT} canned replies.`] }, formValues(form));
      await createCannedReply(parsed.data, admin, ip);
    } else if (intent === "update") {
      const parsed = parseForm(Forms.update, form);
      if (!parsed.ok) return parsed.response;
      const { id, ...input } = parsed.data;
      if (!(await updateCannedReply(id, input, admin, ip))) throw new Response("Canned reply not found", { status: 404 });
    } else {
      const parsed = parseForm(Forms.delete, form);
      if (!parsed.ok) return parsed.response;
      if (!(await deleteCannedReply(parsed.data.id, admin, ip))) throw new Response("Canned reply not found", { status: 404 });
    }
  } catch (error) {
    if (error instanceof TitleTakenError)
      return data({ ok: false as const, errors: { title: ["A canned reply with this title exists."] }, values: formValues(form) }, { status: 400 });
    throw error;
  }
  throw redirect("/admin/canned-replies");
}

const input = "w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
const button = "rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-slate-700";

export default function CannedReplies() {
  const { replies, limit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = result && "errors" in result ? (result.errors as Record<string, string[]>) : {};
  const values = result && "values" in result ? (result.values as Record<string, string>) : {};
  const editingId = values.id;

  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4">
      <h1 className="text-xl font-semibold">Canned replies</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Operators holding a session type “/” in the composer to insert one of these (at most {limit}).
      </p>
      {errors.intent ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.intent.join(" ")}
        </p>
      ) : null}

      <Form method="post" className="flex flex-col gap-2 rounded border border-slate-200 p-3 dark:border-slate-800" aria-label="New canned reply">
        <h2 className="font-medium">New canned reply</h2>
        <label className="text-sm">
          Title
          <input name="title" className={input} defaultValue={editingId ? "" : values.title} maxLength={80} required />
        </label>
        {!editingId && errors.title ? (
          <p role="alert" className="text-sm text-red-700">
            {errors.title.join(" ")}
          </p>
        ) : null}
        <label className="text-sm">
          Text
          <textarea name="body" className={input} rows={3} defaultValue={editingId ? "" : values.body} maxLength={4000} required />
        </label>
        {!editingId && errors.body ? (
          <p role="alert" className="text-sm text-red-700">
            {errors.body.join(" ")}
          </p>
        ) : null}
        <button name="intent" value="create" disabled={busy} className={`${button} self-start`}>
          Add
        </button>
      </Form>

      <ul className="flex flex-col gap-3">
        {replies.map((reply) => (
          <li key={reply.id} className="rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="canned-reply">
            <Form method="post" className="flex flex-col gap-2" aria-label={`Canned reply ${reply.title}`}>
              <input type="hidden" name="id" value={reply.id} />
              <label className="text-sm">
                Title
                <input name="title" className={input} defaultValue={editingId === reply.id ? values.title : reply.title} maxLength={80} required />
              </label>
              {editingId === reply.id && errors.title ? (
                <p role="alert" className="text-sm text-red-700">
                  {errors.title.join(" ")}
                </p>
              ) : null}
              <label className="text-sm">
                Text
                <textarea name="body" className={input} rows={3} defaultValue={editingId === reply.id ? values.body : reply.body} maxLength={4000} required />
              </label>
              {editingId === reply.id && errors.body ? (
                <p role="alert" className="text-sm text-red-700">
                  {errors.body.join(" ")}
                </p>
              ) : null}
              <div className="flex gap-2">
                <button name="intent" value="update" disabled={busy} className={button}>
                  Save
                </button>
                <button name="intent" value="delete" disabled={busy} formNoValidate className={`${button} text-red-800 dark:text-red-200`}>
                  Delete
                </button>
              </div>
            </Form>
          </li>
        ))}
      </ul>
      {replies.length === 0 ? <p className="text-sm text-slate-500">No canned replies yet.</p> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
