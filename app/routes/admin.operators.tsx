import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { requirePermission } from "~/auth/guards.server";
import {
  DataTable,
  DataTableColumnHeader,
  DataTableFacetedFilter,
  DataTablePagination,
  DataTableRowActions,
  DataTableTextFilter,
  DataTableToolbar,
  formatDateTime,
  useServerTable,
} from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { deactivationWarning } from "~/operators/deactivation";
import { clientIp } from "~/lib/client-ip.server";
import { formValues, invalid, parseForm, readForm } from "~/lib/forms.server";
import { isOperatorIntent, OperatorForms } from "~/operators/operator-forms.server";
import { listOperators } from "~/operators/operator-list.server";
import { changeRole, createOperator, EmailTakenError, endSessionsOf, OperatorChangeError, resetPassword, setActive } from "~/operators/operators.server";

export const meta: MetaFunction = () => [{ title: "Operators · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, "operators:manage");
  const list = await listOperators(request);
  return { ...list, meId: admin.id };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "operators:manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  if (!isOperatorIntent(intent)) return invalid({ intent: ["Unknown action."] }, formValues(form));
  const ip = clientIp(context);
  const url = new URL(request.url);
  const back = redirect(url.pathname + url.search);
  try {
    switch (intent) {
      case "create": {
        const parsed = parseForm(OperatorForms.create, form);
        if (!parsed.ok) return parsed.response;
        await createOperator(parsed.data, admin, ip);
        return back;
      }
      case "change-role": {
        const parsed = parseForm(OperatorForms["change-role"], form);
        if (!parsed.ok) return parsed.response;
        await changeRole(admin, parsed.data.id, parsed.data.role, ip);
        return back;
      }
      case "deactivate":
      case "reactivate": {
        const parsed = parseForm(OperatorForms[intent], form);
        if (!parsed.ok) return parsed.response;
        await setActive(admin, parsed.data.id, intent === "reactivate", ip);
        return back;
      }
      case "reset-password": {
        const parsed = parseForm(OperatorForms["reset-password"], form);
        if (!parsed.ok) return parsed.response;
        await resetPassword(admin, parsed.data.id, parsed.data.newPassword, ip);
        return back;
      }
      case "end-sessions": {
        const parsed = parseForm(OperatorForms["end-sessions"], form);
        if (!parsed.ok) return parsed.response;
        await endSessionsOf(admin, parsed.data.id, ip);
        return back;
      }
    }
  } catch (error) {
    if (error instanceof EmailTakenError) return invalid({ email: [error.message] }, formValues(form));
    if (error instanceof OperatorChangeError) {
      if (error.status === 409) return data({ ok: false as const, errors: { form: [error.message] }, values: formValues(form) }, { status: 409 });
      throw new Response(error.message, { status: error.status });
    }
    throw error;
  }
}

type Row = Awaited<ReturnType<typeof loader>>["operators"][number];
type ActionResult = { ok: false; errors: Record<string, string[] | undefined>; values: Record<string, string | undefined> } | undefined;

const column = createColumnHelper<Row>();
const inputClass = "mt-0.5 block w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
const buttonClass = "rounded bg-blue-600 px-3 py-1 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-60";
const ROLE_OPTIONS = [
  { value: "admin", label: "Admin" },
  { value: "operator", label: "Operator" },
  { value: "auditor", label: "Auditor" },
];

function FieldError({ errors }: { errors?: string[] }) {
  return errors?.length ? <p className="text-xs text-red-600 dark:text-red-400">{errors[0]}</p> : null;
}

/** Errors of the form that was sent for this row (and intent), if any. */
function rowErrors(result: ActionResult, id: string, intent: string) {
  if (!result || result.values.id !== id || result.values.intent !== intent) return undefined;
  return result.errors;
}

function RowActions({ row, meId, result }: { row: Row; meId: string; result: ActionResult }) {
  if (row.id === meId) return <span className="text-xs text-slate-500">This is you</span>;
  const roleErrors = rowErrors(result, row.id, "change-role");
  const resetErrors = rowErrors(result, row.id, "reset-password");
  return (
    <DataTableRowActions label={`Actions for ${row.email}`} open={Boolean(roleErrors ?? resetErrors)}>
      <Form method="post" className="flex items-end gap-2">
        <input type="hidden" name="intent" value="change-role" />
        <input type="hidden" name="id" value={row.id} />
        <label className="flex-1 text-xs">
          Role
          <select name="role" defaultValue={row.role} className={inputClass} aria-label={`Role of ${row.email}`}>
            {ROLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button className={buttonClass}>Change role</button>
      </Form>
      <FieldError errors={roleErrors?.role} />
      <Form method="post" className="flex items-end gap-2">
        <input type="hidden" name="intent" value="reset-password" />
        <input type="hidden" name="id" value={row.id} />
        <label className="flex-1 text-xs">
          New password
          <input name="newPassword" type="password" autoComplete="new-password" minLength={8} maxLength={256} required className={inputClass} />
        </label>
        <button className={buttonClass}>Reset password</button>
      </Form>
      <FieldError errors={resetErrors?.newPassword} />
      <div className="flex gap-2">
        <Form
          method="post"
          onSubmit={(event) => {
            // Deactivating is not undone by reactivating: say what it ends before it does.
            if (row.active && !confirm(deactivationWarning(row.name, row.sessions, row.held))) event.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value={row.active ? "deactivate" : "reactivate"} />
          <input type="hidden" name="id" value={row.id} />
          <button className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">{row.active ? "Deactivate" : "Reactivate"}</button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="end-sessions" />
          <input type="hidden" name="id" value={row.id} />
          <button disabled={row.sessions === 0} className="rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-slate-700">
            End sessions
          </button>
        </Form>
      </div>
    </DataTableRowActions>
  );
}

function CreateOperator({ result }: { result: ActionResult }) {
  const busy = useNavigation().formData?.get("intent") === "create";
  const mine = result?.values.intent === "create" ? result : undefined;
  const errors = mine?.errors ?? {};
  return (
    <details open={Boolean(mine)} className="mb-4 rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <summary className="cursor-pointer font-medium">New operator</summary>
      <Form method="post" aria-label="New operator" className="mt-3 grid gap-3 sm:grid-cols-5 sm:items-end" noValidate>
        <input type="hidden" name="intent" value="create" />
        <label className="text-sm">
          E-mail
          <input
            name="email"
            type="email"
            autoComplete="off"
            defaultValue={mine?.values.email ?? ""}
            aria-invalid={errors.email ? true : undefined}
            className={inputClass}
          />
          <FieldError errors={errors.email} />
        </label>
        <label className="text-sm">
          Name
          <input name="name" defaultValue={mine?.values.name ?? ""} aria-invalid={errors.name ? true : undefined} className={inputClass} />
          <FieldError errors={errors.name} />
        </label>
        <label className="text-sm">
          Role
          <select name="role" defaultValue={mine?.values.role ?? "operator"} className={inputClass}>
            {ROLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <FieldError errors={errors.role} />
        </label>
        <label className="text-sm">
          Initial password
          <input name="password" type="password" autoComplete="new-password" aria-invalid={errors.password ? true : undefined} className={inputClass} />
          <FieldError errors={errors.password} />
        </label>
        <button disabled={busy} className={buttonClass}>
          {busy ? "Creating…" : "Create operator"}
        </button>
      </Form>
    </details>
  );
}

export default function Operators() {
  const { operators, table: state, meId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult;
  const columns = [
    column.accessor("email", { header: ({ column }) => <DataTableColumnHeader column={column} title="E-mail" /> }),
    column.accessor("name", { header: ({ column }) => <DataTableColumnHeader column={column} title="Name" /> }),
    column.accessor("role", {
      header: ({ column }) => <DataTableColumnHeader column={column} title="Role" />,
      cell: (info) => <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs uppercase dark:bg-slate-800">{info.getValue()}</span>,
    }),
    column.accessor("active", {
      header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
      cell: (info) => (info.getValue() ? "Active" : <span className="text-red-700 dark:text-red-400">Deactivated</span>),
    }),
    column.accessor("createdAt", {
      header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
      cell: (info) => formatDateTime(info.getValue()),
    }),
    column.accessor("sessions", { header: "Sessions", enableSorting: false }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => <RowActions row={row.original} meId={meId} result={result} />,
    }),
  ];
  const table = useServerTable({ data: operators, columns, state, getRowId: (row) => row.id });
  const formError = result && result.values.intent !== "create" ? (result.errors.form ?? result.errors.intent ?? result.errors.id) : undefined;
  return (
    <section>
      <h1 className="mb-3 text-xl font-semibold">Operators</h1>
      <CreateOperator result={result} />
      {formError ? (
        <p role="alert" className="mb-2 text-sm text-red-600">
          {formError[0]}
        </p>
      ) : null}
      <DataTableToolbar
        fields={["q"]}
        filterKeys={["q", "role", "status"]}
        aside={
          <>
            <DataTableFacetedFilter name="role" title="Role" options={ROLE_OPTIONS} />
            <DataTableFacetedFilter
              name="status"
              title="Status"
              options={[
                { value: "active", label: "Active" },
                { value: "deactivated", label: "Deactivated" },
              ]}
            />
          </>
        }
      >
        <DataTableTextFilter name="q" label="Search e-mail or name" />
      </DataTableToolbar>
      <DataTable table={table} caption="Operators" emptyText="No operators match." />
      <DataTablePagination state={state} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
