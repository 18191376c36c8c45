import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action } from "~/routes/sessions.$id.read";
import { shouldRevalidate } from "~/routes/sessions.$id";

const SESSION = "AZreadCursorSession001";
const post = (as: TestOperator | null, form: Record<string, string>, origin?: string | null) =>
  call(() => action({ request: request(`/sessions/${SESSION}/read`, { as, form, origin }), params: { id: SESSION }, context: {} }));
const cursor = async (op: TestOperator) =>
  (await (await db()).readCursor.findUnique({ where: { operatorId_sessionId: { operatorId: op.id, sessionId: SESSION } } }))?.lastSeq ?? null;

describe("reading at the tail", () => {
  it("moves my read cursor forward, never back, for every role", async () => {
    for (const role of ["operator", "auditor", "admin"] as const) {
      const op = await makeOperator(role);
      expect((await post(op, { seq: "12" })).status).toBe(200);
      expect(await cursor(op)).toBe(12);
      await post(op, { seq: "7" });
      expect(await cursor(op)).toBe(12);
    }
  });

  it("refuses a bad seq with 400 and moves nothing", async () => {
    const op = await makeOperator("operator");
    for (const seq of ["0", "-3", "abc", "1.5", ""]) {
      const res = await post(op, { seq });
      expect(res.status).toBe(400);
      expect((res.body as { error: Record<string, string[]> }).error.seq).toBeTruthy();
    }
    expect(await cursor(op)).toBeNull();
  });

  it("refuses the signed-out and cross-origin posts", async () => {
    const op = await makeOperator("operator");
    expect((await post(null, { seq: "3" })).status).toBe(302);
    expect((await post(op, { seq: "3" }, "http://evil.example")).status).toBe(403);
    expect(await cursor(op)).toBeNull();
  });

  it("keeps the page as it is after a takeover action, but not when the operator has moved on", () => {
    // A takeover action finishing after a click on "next" revalidates for the navigation's location; a `false` there
    // would finish the navigation to B with A's data (the page showed A under B's address).
    const currentUrl = new URL("http://x/sessions/A?inbox=agent%3Dx");
    const args = { currentUrl, nextUrl: currentUrl, formAction: "/sessions/A/takeover", defaultShouldRevalidate: true } as unknown as Parameters<
      typeof shouldRevalidate
    >[0];
    expect(shouldRevalidate(args)).toBe(false);
    const note = new FormData();
    note.set("intent", "create");
    expect(shouldRevalidate({ ...args, formAction: "/sessions/A/notes", formData: note })).toBe(true);
    for (const nextUrl of [new URL("http://x/sessions/B?inbox=agent%3Dx"), new URL("http://x/sessions/A?seq=40&inbox=agent%3Dx")]) {
      expect(shouldRevalidate({ ...args, nextUrl })).toBe(true);
    }
  });
});
