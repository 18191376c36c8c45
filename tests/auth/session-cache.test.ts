// The guard's one-second session cache (docs/decisions/035-one-second-session-cache.md): writes through this
// process's Prisma client take effect at the next request; a write the client never saw (another process: here a
// raw statement, which no model hook sees) takes effect within CACHE_MS, never later.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { CACHE_MS } from "~/auth/session-cache.server";
import { hashToken } from "~/auth/token-hash.server";
import { db } from "~/db.server";
import { loader as accountLoader } from "~/routes/account";
import { loader as operatorsLoader } from "~/routes/admin.operators";

const visitAccount = (op: TestOperator) => call(() => accountLoader({ request: request("/account", { as: op }), params: {}, context: {} }));
const visitOperators = (op: TestOperator) => call(() => operatorsLoader({ request: request("/admin/operators", { as: op }), params: {}, context: {} }));

afterEach(() => vi.useRealTimers());

describe("session cache", () => {
  it("a session deleted by another process is refused once CACHE_MS has passed", async () => {
    const op = await makeOperator("operator");
    expect((await visitAccount(op)).status).toBe(200); // now cached
    await (
      await db()
    ).$executeRaw`DELETE FROM "AuthSession" WHERE "id" = ${hashToken(op.token)}`;
    expect((await visitAccount(op)).status).toBe(200); // inside the window: the documented bound, not a bug
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + CACHE_MS + 1 });
    expect((await visitAccount(op)).status).toBe(302);
  });

  it("a role lowered by another process applies within CACHE_MS", async () => {
    const admin = await makeOperator("admin");
    expect((await visitOperators(admin)).status).toBe(200);
    await (
      await db()
    ).$executeRaw`UPDATE "Operator" SET "role" = 'auditor' WHERE "id" = ${admin.id}`;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + CACHE_MS + 1 });
    expect((await visitOperators(admin)).status).toBe(403);
  });

  it("a write through the Console's own client applies at the very next request", async () => {
    const op = await makeOperator("operator");
    expect((await visitAccount(op)).status).toBe(200);
    await (await db()).operator.update({ where: { id: op.id }, data: { active: false } });
    expect((await visitAccount(op)).status).toBe(302);
  });

  it("a deleted session row through the client is refused at once, without waiting", async () => {
    const op = await makeOperator("operator");
    expect((await visitAccount(op)).status).toBe(200);
    await (await db()).authSession.deleteMany({ where: { id: hashToken(op.token) } });
    expect((await visitAccount(op)).status).toBe(302);
  });
});
