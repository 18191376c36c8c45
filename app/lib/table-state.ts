// The table state shared by the server (app/lib/table-params.server.ts) and the browser components: it lives
// in the URL, so links and GET forms are the only way to change it (back button, deep links, no client state).
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

export type TableSort = { id: string; desc: boolean };

export type TableState = {
  page: number;
  pageSize: number;
  sort: TableSort;
  total: number;
  pageCount: number;
};

type Change = string | number | readonly string[] | null | undefined;

/**
 * A `?query` with some keys changed (null/undefined/"" removes a key, an array repeats it). Changing anything
 * but the page sends the reader back to page 1, because the old page number no longer means the same rows.
 */
export function withParams(search: string | URLSearchParams, changes: Record<string, Change>): string {
  const params = new URLSearchParams(search);
  if (!("page" in changes)) params.delete("page");
  for (const [key, value] of Object.entries(changes)) {
    params.delete(key);
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "?";
}

/** The `sort` value that comes after the current one for a column: asc → desc → asc. */
export function nextSort(current: TableSort, columnId: string): string {
  if (current.id !== columnId) return `${columnId}.asc`;
  return `${columnId}.${current.desc ? "asc" : "desc"}`;
}
