// Server-driven tables keep page, page size, sort and filters in the URL. This parses them with zod against
// the route's allow-list, so an unknown column or filter is a 400 and never reaches a Prisma `orderBy`.
import { z } from "zod";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, type TableState } from "~/lib/table-state";

export { DEFAULT_PAGE_SIZE, PAGE_SIZES };
export const MAX_PAGE = 10_000;

/** Query keys the table owns; every other key must be a declared filter (or explicitly ignored). */
const TABLE_KEYS = new Set(["page", "pageSize", "sort"]);
/** Keys Remix itself may add to a route URL (`?index` for index routes). */
const REMIX_KEYS = new Set(["index"]);

/** A filter parses every value of its query key (`getAll`), so faceted filters can repeat the key. */
export type FilterSchema = z.ZodType<unknown, string[]>;

export type TableSpec<Sortable extends string, Filters extends Record<string, FilterSchema>> = {
  sortable: readonly Sortable[];
  defaultSort: { id: Sortable; desc: boolean };
  filters: Filters;
  /** Extra query keys the route reads itself (they are neither filters nor refused). */
  ignore?: readonly string[];
};

export type TableParams<Sortable extends string, Filters extends Record<string, FilterSchema>> = {
  page: number;
  pageSize: number;
  sort: { id: Sortable; desc: boolean };
  filters: { [K in keyof Filters]: z.output<Filters[K]> };
  skip: number;
  take: number;
};

// ---- filter helpers -------------------------------------------------------------------------------------

/** A faceted filter: any subset of the given values, e.g. `?role=admin&role=auditor`. */
export function facetFilter<const V extends readonly [string, ...string[]]>(values: V) {
  return z
    .array(z.enum(values, { message: `must be one of ${values.join(", ")}` }))
    .max(values.length)
    .transform((list) => [...new Set(list)]);
}

/** A free-text filter (one value), trimmed; empty means "no filter". */
export function textFilter(max = 200) {
  return z
    .array(z.string().trim().max(max, `at most ${max} characters`))
    .max(1, "give it once")
    .transform((list) => (list[0] ? list[0] : undefined));
}

/** A calendar day `YYYY-MM-DD` (UTC). `end: true` turns it into the first instant of the next day. */
export function dayFilter(options: { end?: boolean } = {}) {
  return z
    .array(z.union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")]))
    .max(1, "give it once")
    .transform((list, ctx) => {
      if (!list[0]) return undefined;
      const date = new Date(`${list[0]}T00:00:00.000Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== list[0]) {
        ctx.addIssue({ code: "custom", message: "is not a real date" });
        return z.NEVER;
      }
      if (options.end) date.setUTCDate(date.getUTCDate() + 1);
      return date;
    });
}

// ---- parsing --------------------------------------------------------------------------------------------

function single(params: URLSearchParams, key: string) {
  const all = params.getAll(key);
  return all.length > 1 ? all : all[0];
}

function badRequest(problems: string[]): Response {
  return new Response(JSON.stringify({ error: `Bad table parameters: ${problems.join("; ")}`, problems }), {
    status: 400,
    headers: { "Content-Type": "application/json" },
  });
}

/** Parses the table state from a request URL; throws a 400 Response listing every problem. */
export function parseTableParams<Sortable extends string, Filters extends Record<string, FilterSchema>>(
  input: Request | URL | URLSearchParams,
  spec: TableSpec<Sortable, Filters>,
): TableParams<Sortable, Filters> {
  const { params, problems } = readTableParams(input, spec, { unknownKeys: "refuse" });
  if (problems.length > 0) throw badRequest(problems.map((problem) => problem.message));
  return params;
}

/** One thing wrong with a table URL: which key, and a sentence for the page. */
export type TableProblem = { key: string; message: string };

/**
 * The forgiving parse for pages people share and deep-link (the inbox): unknown keys are ignored (a link from a
 * chat tool brings `utm_source`), and each bad value is dropped back to its default with a problem to show on
 * the page, so the rest of the view still renders. Never throws.
 */
export function parseTableParamsLeniently<Sortable extends string, Filters extends Record<string, FilterSchema>>(
  input: Request | URL | URLSearchParams,
  spec: TableSpec<Sortable, Filters>,
): { params: TableParams<Sortable, Filters>; problems: TableProblem[] } {
  return readTableParams(input, spec, { unknownKeys: "ignore" });
}

function readTableParams<Sortable extends string, Filters extends Record<string, FilterSchema>>(
  input: Request | URL | URLSearchParams,
  spec: TableSpec<Sortable, Filters>,
  options: { unknownKeys: "refuse" | "ignore" },
): { params: TableParams<Sortable, Filters>; problems: TableProblem[] } {
  const params = input instanceof URLSearchParams ? input : new URL(input instanceof Request ? input.url : input).searchParams;
  const problems: TableProblem[] = [];
  const ignored = new Set(spec.ignore ?? []);

  if (options.unknownKeys === "refuse") {
    for (const key of new Set(params.keys())) {
      if (!TABLE_KEYS.has(key) && !REMIX_KEYS.has(key) && !ignored.has(key) && !Object.hasOwn(spec.filters, key)) {
        problems.push({ key, message: `unknown filter "${key}"` });
      }
    }
  }

  const sortValues = z.enum(spec.sortable as unknown as [Sortable, ...Sortable[]]);
  // Each part on its own, so one bad value falls back to its default without taking the others with it.
  const Page = z.coerce
    .number({ message: "page must be a number" })
    .int("page must be a whole number")
    .min(1, "page starts at 1")
    .max(MAX_PAGE, `page goes up to ${MAX_PAGE}`)
    .default(1);
  const PageSize = z.coerce
    .number({ message: "pageSize must be a number" })
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), `pageSize must be one of ${PAGE_SIZES.join(", ")}`)
    .default(DEFAULT_PAGE_SIZE);
  const Sort = z
    .string({ message: "sort must be given once" })
    .regex(/^[A-Za-z0-9_]+\.(asc|desc)$/, "sort must look like column.asc or column.desc")
    .transform((value, ctx) => {
      const [id, direction] = value.split(".");
      const column = sortValues.safeParse(id);
      if (!column.success) {
        ctx.addIssue({ code: "custom", message: `cannot sort by "${id}"` });
        return z.NEVER;
      }
      return { id: column.data, desc: direction === "desc" };
    })
    .optional();
  const part = <T>(key: string, schema: z.ZodType<T>, fallback: T): T => {
    const result = schema.safeParse(single(params, key) || undefined);
    if (result.success) return result.data;
    problems.push(...result.error.issues.map((issue) => ({ key, message: issue.message })));
    return fallback;
  };
  const page = part("page", Page, 1);
  const pageSize = part("pageSize", PageSize, DEFAULT_PAGE_SIZE);
  const sort = part("sort", Sort, undefined) ?? spec.defaultSort;

  const filters: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.filters)) {
    const result = schema.safeParse(params.getAll(key));
    if (result.success) {
      filters[key] = result.data;
      continue;
    }
    problems.push(...result.error.issues.map((issue) => ({ key, message: `${key} ${issue.message}` })));
    filters[key] = schema.parse([]); // the filter's "not given" value
  }

  return {
    params: { page, pageSize, sort, filters: filters as TableParams<Sortable, Filters>["filters"], skip: (page - 1) * pageSize, take: pageSize },
    problems,
  };
}

/** The serialisable part of the parsed params that the browser's table components read. */
export function tableState(params: TableParams<string, Record<string, FilterSchema>>, total: number): TableState {
  return {
    page: params.page,
    pageSize: params.pageSize,
    sort: params.sort,
    total,
    pageCount: Math.max(1, Math.ceil(total / params.pageSize)),
  };
}
