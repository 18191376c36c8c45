// Admins manage the labels reviewers pick from, each with an optional one-key shortcut for the queue.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { createLabel, deleteLabel, LabelConflictError, LabelSchema, listLabels, RESERVED_KEYS, updateLabel } from "~/reviews/labels.server";

export const meta: MetaFunction = () => [{ title: "Review labels · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return { labels: await listLabels(), reserved: RESERVED_KEYS };
}

const IntentSchema = z.object({ intent: z.enum(["create", "update", "delete"]) });
const IdSchema = z.object({ id: z.string().min(1).max(64) });

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "settings:manage");
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return intent.response;
  const ip = clientIp(context);
  try {
    if (intent.data.intent === "delete") {
      const id = parseForm(IdSchema, form);
      if (!id.ok) return id.response;
      await deleteLabel(id.data.id, me, ip);
    } else {
      const parsed = parseForm(LabelSchema, form);
      if (!parsed.ok) return parsed.response;
      if (intent.data.intent === "create") await createLabel(parsed.data, me, ip);
      else {
        const id = parseForm(IdSchema, form);
        if (!id.ok) return id.response;
        await updateLabel(id.data.id, parsed.data, me, ip);
      }
    }
  } catch (error) {
    if (error instanceof LabelConflictError)
      return invalid(
        { [error.field]: [error.message] },
        { name: String(form.get("name") ?? ""), hotkey: String(form.get("hotkey") ?? ""), id: String(form.get("id") ?? "") },
      );
    throw error;
  }
  throw redirect("/admin/review-labels");
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

export default function ReviewLabels() {
  const { labels, reserved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string[] | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  const editingId = values.id;
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-xl font-semibold">Review labels</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Reviewers tag agent replies with these. A hotkey (one letter or digit) toggles the label in the review queue; {reserved.join(" ")} are taken by the
        queue. Renaming or deleting a label leaves existing reviews with the name they were given.
      </p>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-slate-500">
            <th className="py-1">Name</th>
            <th>Hotkey</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {labels.map((label) => (
            <tr key={label.id} className="border-t border-slate-200 dark:border-slate-800">
              <td colSpan={2} className="py-1">
                <Form method="post" className="flex items-center gap-2">
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="id" value={label.id} />
                  <input
                    name="name"
                    aria-label={`Name of ${label.name}`}
                    defaultValue={editingId === label.id ? values.name : label.name}
                    className={`${input} flex-1`}
                  />
                  <input
                    name="hotkey"
                    aria-label={`Hotkey of ${label.name}`}
                    defaultValue={editingId === label.id ? values.hotkey : (label.hotkey ?? "")}
                    maxLength={1}
                    className={`${input} w-12 text-center`}
                  />
                  <button disabled={busy} className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">
                    Save
                  </button>
                </Form>
                {editingId === label.id && (errors.name || errors.hotkey) ? (
                  <p className="text-red-600">{[...(errors.name ?? []), ...(errors.hotkey ?? [])].join(" ")}</p>
                ) : null}
              </td>
              <td className="text-right">
                <Form
                  method="post"
                  onSubmit={(e) => {
                    if (!confirm(`Delete the label "${label.name}"?`)) e.preventDefault();
                  }}
                >
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="id" value={label.id} />
                  <button disabled={busy} className="text-red-600 underline">
                    Delete
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form method="post" className="flex flex-wrap items-end gap-2 rounded border border-slate-200 p-3 dark:border-slate-800" aria-label="New label">
        <input type="hidden" name="intent" value="create" />
        <label className="flex flex-col text-sm">
          New label
          <input
            name="name"
            required
            maxLength={40}
            defaultValue={!editingId ? values.name : ""}
            aria-invalid={!editingId && errors.name ? true : undefined}
            className={input}
          />
        </label>
        <label className="flex flex-col text-sm">
          Hotkey
          <input
            name="hotkey"
            maxLength={1}
            defaultValue={!editingId ? values.hotkey : ""}
            aria-invalid={!editingId && errors.hotkey ? true : undefined}
            className={`${input} w-16 text-center`}
          />
        </label>
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white">
          Add label
        </button>
        {!editingId && (errors.name || errors.hotkey || errors.intent) ? (
          <p role="alert" className="w-full text-sm text-red-600">
            {[...(errors.name ?? []), ...(errors.hotkey ?? []), ...(errors.intent ?? [])].join(" ")}
          </p>
        ) : null}
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
