// Date filters that have the shape YYYY-MM-DD but are not days ("2025-13-01", "2025-02-30"): the queue says so
// on the page and ignores them, the exports answer 400, the quality pages fall back to their default range —
// and nothing is a 500 (an Invalid Date reaching the database was).
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { dayProblems, isCalendarDay } from "~/lib/calendar-day";
import { loader as auditExport } from "~/routes/admin.audit.export";
import { loader as auditLog } from "~/routes/admin.audit";
import { loader as quality } from "~/routes/reviews.agents.$agentId";
import { loader as qualitySummary } from "~/routes/reviews.agents.$agentId_.summary";
import { loader as queue } from "~/routes/reviews._index";
import { loader as reviewsExport } from "~/routes/reviews.export";

const NOT_DAYS = ["2025-13-01", "2025-02-30", "2025-00-10", "2025-04-31", "0000-00-00", "2023-02-29", "9999-99-99"];

describe("isCalendarDay", () => {
  it.each(NOT_DAYS)("refuses %s", (value) => expect(isCalendarDay(value)).toBe(false));
  it.each(["2025-01-01", "2024-02-29", "2025-12-31", "1970-01-01"])("accepts %s", (value) => expect(isCalendarDay(value)).toBe(true));
  it.each(["2025-1-01", "20250101", "2025-01-01T00:00:00Z", " 2025-01-01", "", "２０２５-01-01"])("refuses the shape %j", (value) =>
    expect(isCalendarDay(value)).toBe(false),
  );
  it("lists each bad day parameter once per value, ignoring empty ones", () => {
    expect(dayProblems(new URLSearchParams("from=2025-13-01&to=&to=2025-01-02&x=2025-13-01"), ["from", "to"])).toEqual([
      `"from" must be a real date YYYY-MM-DD (got "2025-13-01").`,
    ]);
  });
});

const run = <T>(fn: (args: LoaderFunctionArgs) => Promise<T>, path: string, as: TestOperator, params: Record<string, string> = {}) =>
  call(() => fn({ request: request(path, { as }), params, context: {} }));

describe("the review queue with a date that is not a day", () => {
  it.each(NOT_DAYS)("answers the page (200) with a message and without that filter for from=%s", async (day) => {
    const me = await makeOperator("auditor");
    const res = await run(queue, `/reviews?from=${day}&to=2025-01-31`, me);
    expect(res.status).toBe(200);
    const body = res.body as { filters: { from?: string; to?: string }; problems: string[] };
    expect(body.filters.from).toBeUndefined();
    expect(body.filters.to).toBe("2025-01-31");
    expect(body.problems).toEqual([`"from" must be a real date YYYY-MM-DD (got "${day}").`]);
  });

  it("has no message for real days", async () => {
    const me = await makeOperator("auditor");
    const res = await run(queue, "/reviews?from=2024-02-29&to=2025-01-31", me);
    expect(res.status).toBe(200);
    expect((res.body as { problems: string[] }).problems).toEqual([]);
  });

  it("answers 400 to the export of such a range, writing no audit row", async () => {
    const me = await makeOperator("auditor");
    for (const query of ["from=2025-13-01", "to=2025-02-30", "from=2025-01-01&to=2025-13-01"]) {
      const res = await run(reviewsExport, `/reviews/export?${query}`, me);
      expect(res.status, query).toBe(400);
      expect((res.body as { error: string }).error).toMatch(/must be a real date/);
    }
    const ok = await run(reviewsExport, "/reviews/export?from=2025-01-01&to=2025-01-31", me);
    expect(ok.status).toBe(200);
  });
});

describe("the quality pages with a date that is not a day", () => {
  it("use the default range instead (page and summary)", async () => {
    const me = await makeOperator("operator");
    const page = await run(quality, "/reviews/agents/demo-agent?from=2025-13-01&to=2025-02-30", me, { agentId: "demo-agent" });
    expect(page.status).toBe(200);
    const range = (page.body as { quality: { range: { from: string; to: string } } }).quality.range;
    expect(isCalendarDay(range.from) && isCalendarDay(range.to)).toBe(true);
    const summary = await run(qualitySummary, "/reviews/agents/demo-agent/summary?from=2025-13-01", me, { agentId: "demo-agent" });
    expect(summary.status).toBe(200);
  });
});

describe("the audit log with a date that is not a day", () => {
  it("answers 400 on the page and the export", async () => {
    const admin = await makeOperator("admin");
    expect((await run(auditLog, "/admin/audit?from=2025-13-01", admin)).status).toBe(400);
    expect((await run(auditExport, "/admin/audit/export?to=2025-02-30", admin)).status).toBe(400);
  });
});
