import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
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
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field, SelectField } from "~/components/ui/field";
import { deactivationWarning } from "~/operators/deactivation";
import { clientIp } from "~/lib/client-ip.server";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { isOperatorIntent, OperatorForms, OperatorIntentSchema } from "~/operators/forms";
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
  if (!isOperatorIntent(intent)) return rejected(parseSubmission(form, OperatorIntentSchema));
  const submission = parseSubmission(form, OperatorForms[intent]);
  if (submission.status !== "success") return rejected(submission);
  const ip = clientIp(context);
  const url = new URL(request.url);
  const back = redirect(url.pathname + url.search);
  const value = submission.value;
  try {
    switch (value.intent) {
      case "create":
        await createOperator(value, admin, ip);
        return back;
      case "change-role":
        await changeRole(admin, value.id, value.role, ip);
        return back;
      case "deactivate":
      case "reactivate":
        await setActive(admin, value.id, value.intent === "reactivate", ip);
        return back;
      case "reset-password":
        await resetPassword(admin, value.id, value.newPassword, ip);
        return back;
      case "end-sessions":
        await endSessionsOf(admin, value.id, ip);
        return back;
    }
  } catch (error) {
    if (error instanceof EmailTakenError) return rejected(submission, { fieldErrors: { email: [error.message] } });
    if (error instanceof OperatorChangeError) {
      if (error.status === 409) return rejected(submission, { status: 409, formErrors: [error.message] });
      throw new Response(error.message, { status: error.status });
    }
    throw error;
  }
}

type Row = Awaited<ReturnType<typeof loader>>["operators"][number];

const column = createColumnHelper<Row>();
const ROLE_OPTIONS = [
  { value: "admin", label: "Admin" },
  { value: "operator", label: "Operator" },
  { value: "auditor", label: "Auditor" },
];

function ChangeRoleForm({ row, result }: { row: Row; result: unknown }) {
  const [form, fields] = useSchemaForm(OperatorForms["change-role"], {
    lastResult: resultFor(result, { intent: "change-role", id: row.id }),
    defaultValue: { role: row.role },
  });
  return (
    <Form method="post" {...getFormProps(form)} className="flex items-end gap-2">
      <input type="hidden" name="intent" value="change-role" />
      <input type="hidden" name="id" value={row.id} />
      <SelectField meta={fields.role} label="Role" aria-label={`Role of ${row.email}`} options={ROLE_OPTIONS} density="sm" className="flex-1" />
      <Button>Change role</Button>
    </Form>
  );
}

function ResetPasswordForm({ row, result }: { row: Row; result: unknown }) {
  const [form, fields] = useSchemaForm(OperatorForms["reset-password"], {
    lastResult: resultFor(result, { intent: "reset-password", id: row.id }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="flex items-end gap-2">
      <input type="hidden" name="intent" value="reset-password" />
      <input type="hidden" name="id" value={row.id} />
      <Field meta={fields.newPassword} type="password" label="New password" autoComplete="new-password" density="sm" className="flex-1" />
      <Button>Reset password</Button>
    </Form>
  );
}

function RowActions({ row, meId, result }: { row: Row; meId: string; result: unknown }) {
  if (row.id === meId) return <span className="text-xs text-slate-600 dark:text-slate-400">This is you</span>;
  const mine = Boolean(resultFor(result, { intent: "change-role", id: row.id }) ?? resultFor(result, { intent: "reset-password", id: row.id }));
  return (
    <DataTableRowActions label={`Actions for ${row.email}`} open={mine}>
      <ChangeRoleForm row={row} result={result} />
      <ResetPasswordForm row={row} result={result} />
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
          <Button variant="secondary">{row.active ? "Deactivate" : "Reactivate"}</Button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="end-sessions" />
          <input type="hidden" name="id" value={row.id} />
          <Button variant="secondary" disabled={row.sessions === 0}>
            End sessions
          </Button>
        </Form>
      </div>
    </DataTableRowActions>
  );
}

function CreateOperator({ result }: { result: unknown }) {
  const busy = useNavigation().formData?.get("intent") === "create";
  const lastResult = resultFor(result, { intent: "create" });
  const [form, fields] = useSchemaForm(OperatorForms.create, { lastResult, defaultValue: { role: "operator" } });
  return (
    <details open={Boolean(lastResult)} className="mb-4 rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <summary className="cursor-pointer font-medium">New operator</summary>
      <Form method="post" {...getFormProps(form)} aria-label="New operator" className="mt-3 grid gap-3 sm:grid-cols-5 sm:items-start">
        <input type="hidden" name="intent" value="create" />
        <Field meta={fields.email} type="email" label="E-mail" autoComplete="off" density="sm" />
        <Field meta={fields.name} label="Name" density="sm" />
        <SelectField meta={fields.role} label="Role" options={ROLE_OPTIONS} density="sm" />
        <Field meta={fields.password} type="password" label="Initial password" autoComplete="new-password" density="sm" />
        <Button disabled={busy} className="sm:mt-5">
          {busy ? "Creating…" : "Create operator"}
        </Button>
      </Form>
    </details>
  );
}

export default function Operators() {
  const { operators, table: state, meId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
  // A refusal of a row's action (your own role, an unknown intent) is said above the table.
  const sent = result && typeof result === "object" && "initialValue" in result ? (result.initialValue as Record<string, unknown> | null) : null;
  const formError = sent?.intent === "create" ? undefined : (formErrorsOf(result) ?? result?.error?.intent ?? result?.error?.id ?? undefined);
  return (
    <section>
      <h1 className="mb-3 text-xl font-semibold">Operators</h1>
      <CreateOperator result={result} />
      <ErrorBanner errors={formError} className="mb-2" />
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
