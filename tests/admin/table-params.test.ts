import "../support/db";
import { describe, expect, it } from "vitest";
import { withParams, nextSort } from "~/lib/table-state";
import { dayFilter, facetFilter, parseTableParams, textFilter } from "~/lib/table-params.server";

const spec = {
  sortable: ["email", "createdAt"] as const,
  defaultSort: { id: "createdAt" as const, desc: true },
  filters: { role: facetFilter(["admin", "operator", "auditor"] as const), q: textFilter(50), from: dayFilter(), to: dayFilter({ end: true }) },
};

const parse = (query: string) => parseTableParams(new URL(`http://x/t?${query}`), spec);

async function refusal(query: string) {
  try {
    parse(query);
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    return { status: thrown.status, body: (await thrown.json()) as { problems: string[] } };
  }
  throw new Error(`expected ${query} to be refused`);
}

describe("parseTableParams", () => {
  it("defaults to page 1, 25 rows and the route's default sort", () => {
    const params = parse("");
    expect(params).toMatchObject({ page: 1, pageSize: 25, sort: { id: "createdAt", desc: true }, skip: 0, take: 25 });
    expect(params.filters).toEqual({ role: [], q: undefined, from: undefined, to: undefined });
  });

  it("reads page, page size, sort and filters", () => {
    const params = parse("page=3&pageSize=10&sort=email.asc&role=admin&role=auditor&role=admin&q=%20ada%20&from=2026-01-31&to=2026-02-01");
    expect(params).toMatchObject({ page: 3, pageSize: 10, sort: { id: "email", desc: false }, skip: 20, take: 10 });
    expect(params.filters.role).toEqual(["admin", "auditor"]);
    expect(params.filters.q).toBe("ada");
    expect(params.filters.from?.toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(params.filters.to?.toISOString()).toBe("2026-02-02T00:00:00.000Z"); // the whole "to" day is included
  });

  it.each([
    ["sort=passwordHash.asc", /cannot sort by "passwordHash"/],
    ["sort=email", /column.asc or column.desc/],
    ["secret=1", /unknown filter "secret"/],
    ["role=root", /role must be one of/],
    ["pageSize=1000", /pageSize must be one of/],
    ["page=0", /page starts at 1/],
    ["page=abc", /page must be a number/],
    ["from=2026-02-30", /not a real date/],
    ["q=" + "x".repeat(51), /at most 50/],
    ["sort=email.asc&sort=createdAt.desc", /sort must be given once/],
  ])("refuses %s with 400", async (query, message) => {
    const { status, body } = await refusal(query);
    expect(status).toBe(400);
    expect(body.problems.join("; ")).toMatch(message);
  });

  it("accepts Remix's own ?index key and keys the route declares it reads itself", () => {
    expect(parse("index").page).toBe(1);
    expect(parseTableParams(new URL("http://x/t?export=1"), { ...spec, ignore: ["export"] }).page).toBe(1);
  });
});

describe("table URL helpers", () => {
  it("changes keys, repeats arrays and goes back to page 1 unless the page is what changes", () => {
    expect(withParams("?page=4&sort=email.asc&role=admin", { role: ["admin", "auditor"] })).toBe("?sort=email.asc&role=admin&role=auditor");
    expect(withParams("?page=4&sort=email.asc", { page: 5 })).toBe("?sort=email.asc&page=5");
    expect(withParams("?q=x", { q: null })).toBe("?");
  });

  it("cycles a column's sort asc → desc → asc and starts other columns at asc", () => {
    expect(nextSort({ id: "email", desc: false }, "email")).toBe("email.desc");
    expect(nextSort({ id: "email", desc: true }, "email")).toBe("email.asc");
    expect(nextSort({ id: "email", desc: true }, "name")).toBe("name.asc");
  });
});
