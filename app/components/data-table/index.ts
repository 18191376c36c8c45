export { DataTable, useServerTable } from "./data-table";
export { DataTableColumnHeader } from "./data-table-column-header";
export { DataTableFacetedFilter, type FacetOption } from "./data-table-faceted-filter";
export { DataTablePagination } from "./data-table-pagination";
export { DataTableRowActions } from "./data-table-row-actions";
export { DataTableTextFilter, DataTableToolbar } from "./data-table-toolbar";
export { DEFAULT_PAGE_SIZE, nextSort, PAGE_SIZES, withParams, type TableSort, type TableState } from "~/lib/table-state";
export { formatDateTime } from "./format";
