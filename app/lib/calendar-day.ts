// A calendar day `YYYY-MM-DD` in UTC, as the date filters take it. The shape alone is not enough: "2025-13-01"
// and "2025-02-30" match it, and `new Date("2025-13-01T00:00:00Z")` is an Invalid Date that the database
// driver refuses with a 500. A day is real when it survives the round trip through Date unchanged.
const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== "string" || !SHAPE.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * What is wrong with the day parameters of a query, one readable line each (empty when nothing is): a page
 * shows them beside the filters, an export answers them with a 400.
 */
export function dayProblems(params: URLSearchParams, names: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of names) {
    for (const value of params.getAll(name)) {
      if (value === "" || isCalendarDay(value)) continue;
      problems.push(`"${name}" must be a real date YYYY-MM-DD (got ${JSON.stringify(String(value).slice(0, 40))}).`);
    }
  }
  return problems;
}
