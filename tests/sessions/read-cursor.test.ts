import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action, shouldRevalidate } from "~/routes/sessions.$id";

const SESSION = "AZreadCursorSession001";
const post = (as: TestOperator | null, form: Record<string, string>, origin?: string | null) =>
  call(() => action({ request: request(`/sessions/${SESSION}`, { as, form, origin }), params: { id: SESSION }, context: {} }));
const cursor = async (op: TestOperator) =>
  (await (await db()).readCursor.findUnique({ where: { operatorId_sessionId: { operatorId: op.id, sessionId: SESSION } } }))?.lastSeq ?? null;

describe("reading at the tail", () => {
  it("moves my read cursor forward, never back, for every role", async () => {
    for (const role of ["operator", "auditor", "admin"] as const) {
      const op = await makeOperator(role);
      expect((await post(op, { intent: "read", seq: "12" })).status).toBe(200);
      expect(await cursor(op)).toBe(12);
      await post(op, { intent: "read", seq: "7" });
      expect(await cursor(op)).toBe(12);
    }
  });

  it("refuses a bad seq with 400 and moves nothing", async () => {
    const op = await makeOperator("operator");
    for (const seq of ["0", "-3", "abc", "1.5", ""]) {
      const res = await post(op, { intent: "read", seq });
      expect(res.status).toBe(400);
      expect((res.body as { error: Record<string, string[]> }).error.seq).toBeTruthy();
    }
    expect((await post(op, { intent: "mark", seq: "3" })).status).toBe(400);
    expect(await cursor(op)).toBeNull();
  });

  it("refuses the signed-out and cross-origin posts", async () => {
    const op = await makeOperator("operator");
    expect((await post(null, { intent: "read", seq: "3" })).status).toBe(302);
    expect((await post(op, { intent: "read", seq: "3" }, "http://evil.example")).status).toBe(403);
    expect(await cursor(op)).toBeNull();
  });

  it("does not make the page re-read FleetLM after a read post", () => {
    const form = new FormData();
    form.set("intent", "read");
    const args = { formData: form, defaultShouldRevalidate: true } as unknown as Parameters<typeof shouldRevalidate>[0];
    expect(shouldRevalidate(args)).toBe(false);
    const note = new FormData();
    note.set("intent", "create");
    expect(shouldRevalidate({ ...args, formData: note })).toBe(true);
  });
});
