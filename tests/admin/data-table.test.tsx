// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { createColumnHelper } from "@tanstack/react-table";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";
import {
  DataTable,
  DataTableColumnHeader,
  DataTableFacetedFilter,
  DataTablePagination,
  DataTableTextFilter,
  DataTableToolbar,
  useServerTable,
  type TableState,
} from "~/components/data-table";

type Row = { id: string; email: string; sessions: number };
const column = createColumnHelper<Row>();
const columns = [
  column.accessor("email", { header: ({ column }) => <DataTableColumnHeader column={column} title="E-mail" /> }),
  column.accessor("sessions", { header: ({ column }) => <DataTableColumnHeader column={column} title="Sessions" />, enableSorting: false }),
];

function Page({ rows, state }: { rows: Row[]; state: TableState }) {
  const table = useServerTable({ data: rows, columns, state, getRowId: (row) => row.id });
  return (
    <>
      <DataTableToolbar
        fields={["q"]}
        filterKeys={["q", "role"]}
        aside={
          <DataTableFacetedFilter
            name="role"
            title="Role"
            options={[
              { value: "admin", label: "Admin" },
              { value: "auditor", label: "Auditor" },
            ]}
          />
        }
      >
        <DataTableTextFilter name="q" label="Search" />
      </DataTableToolbar>
      <DataTable table={table} caption="People" emptyText="Nobody." />
      <DataTablePagination state={state} />
    </>
  );
}

function renderAt(url: string, rows: Row[], state: TableState) {
  const router = createMemoryRouter([{ path: "/people", element: <Page rows={rows} state={state} /> }], { initialEntries: [url] });
  return render(<RouterProvider router={router} future={{ v7_startTransition: true }} />);
}

const rows: Row[] = [
  { id: "1", email: "a@example.test", sessions: 2 },
  { id: "2", email: "b@example.test", sessions: 0 },
];

afterEach(cleanup);

describe("data table components", () => {
  it("renders the server's rows in order and marks the sorted column", () => {
    renderAt("/people?sort=email.asc", rows, { page: 1, pageSize: 25, sort: { id: "email", desc: false }, total: 2, pageCount: 1 });
    const body = screen.getAllByRole("row").slice(1);
    expect(body.map((r) => within(r).getAllByRole("cell")[0].textContent)).toEqual(["a@example.test", "b@example.test"]);
    expect(screen.getByRole("columnheader", { name: /E-mail/ }).getAttribute("aria-sort")).toBe("ascending");
  });

  it("sort links flip the direction, keep filters and drop the page", () => {
    renderAt("/people?sort=email.asc&role=admin&page=3", rows, { page: 3, pageSize: 25, sort: { id: "email", desc: false }, total: 80, pageCount: 4 });
    expect(screen.getByRole("link", { name: /E-mail/ }).getAttribute("href")).toBe("/people?role=admin&sort=email.desc");
    expect(within(screen.getByRole("columnheader", { name: "Sessions" })).queryByRole("link")).toBeNull(); // not sortable
  });

  it("pagination links keep the rest of the query and disable the ends", () => {
    renderAt("/people?role=admin&page=2", rows, { page: 2, pageSize: 25, sort: { id: "email", desc: false }, total: 80, pageCount: 4 });
    const nav = screen.getByRole("navigation", { name: "Pagination" });
    expect(within(nav).getByTestId("table-range").textContent).toBe("26–50 of 80");
    expect(within(nav).getByRole("link", { name: "Next ›" }).getAttribute("href")).toBe("/people?role=admin&page=3");
    expect(within(nav).getByRole("link", { name: "‹ Previous" }).getAttribute("href")).toBe("/people?role=admin");
    expect(within(nav).getByRole("link", { name: "50" }).getAttribute("href")).toBe("/people?role=admin&pageSize=50");
  });

  it("the faceted filter toggles values in the URL and the toolbar form carries the rest", () => {
    renderAt("/people?role=admin&sort=email.desc&q=ann&page=2", rows, { page: 2, pageSize: 25, sort: { id: "email", desc: true }, total: 30, pageCount: 2 });
    const facet = screen.getByRole("list", { name: "Role filter" });
    expect(within(facet).getByRole("link", { name: /Admin/ }).getAttribute("href")).toBe("/people?sort=email.desc&q=ann");
    expect(
      within(facet)
        .getByRole("link", { name: /Auditor/ })
        .getAttribute("href"),
    ).toBe("/people?sort=email.desc&q=ann&role=admin&role=auditor");
    const form = screen.getByRole("search");
    const hidden = [...form.querySelectorAll<HTMLInputElement>("input[type=hidden]")].map((i) => `${i.name}=${i.value}`);
    expect(hidden).toEqual(["role=admin", "sort=email.desc"]); // not q (a visible field) and not page
    expect((screen.getByLabelText("Search") as HTMLInputElement).value).toBe("ann");
    expect(screen.getByRole("link", { name: "Reset filters" }).getAttribute("href")).toBe("/people?sort=email.desc");
  });

  it("says so when there are no rows", () => {
    renderAt("/people", [], { page: 1, pageSize: 25, sort: { id: "email", desc: false }, total: 0, pageCount: 1 });
    expect(screen.getByText("Nobody.")).toBeTruthy();
    expect(screen.getByTestId("table-range").textContent).toBe("0–0 of 0");
  });
});
