import { call, makeOperator, request, type TestOperator } from "../support/auth";
import type { AppLoadContext } from "@remix-run/node";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { action, loader } from "~/routes/admin.operators";
import { action as loginAction } from "~/routes/login";
import { db } from "~/db.server";
import { verifyPassword } from "~/auth/password.server";

const ctx = { clientIp: "192.0.2.7" } as AppLoadContext;
const post = (as: TestOperator, form: Record<string, string>, query = "") =>
  call(() => action({ request: request(`/admin/operators${query}`, { form, as }), params: {}, context: ctx }));
const list = (as: TestOperator, query = "") => call(() => loader({ request: request(`/admin/operators${query}`, { as }), params: {}, context: {} }));

type ListBody = {
  operators: { id: string; email: string; role: string; active: boolean; sessions: number }[];
  table: { total: number; page: number; pageSize: number };
};
// conform's reply (ADR 190): field errors by name, form errors under "", what was typed minus passwords.
type ErrorBody = { status: "error"; error: Record<string, string[]>; initialValue: Record<string, string> };

const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;
const auditsBy = async (actorId: string) => (await db()).auditEvent.findMany({ where: { actorId }, orderBy: { id: "asc" } });

describe("operators table", () => {
  it("lists operators with their live session count, filtered, sorted and paged from the URL", async () => {
    const admin = await makeOperator("admin");
    const tag = randomUUID().slice(0, 6);
    const a = await makeOperator("auditor", { name: `zz ${tag} a` });
    const b = await makeOperator("operator", { name: `zz ${tag} b` });
    await makeOperator("operator", { name: `zz ${tag} c` });
    await (await db()).authSession.updateMany({ where: { operatorId: b.id }, data: { expiresAt: new Date(Date.now() - 1000) } }); // expired: not counted

    const all = await list(admin, `?q=${tag}&sort=name.desc`);
    expect(all.status).toBe(200);
    const body = all.body as ListBody;
    expect(body.table.total).toBe(3);
    expect(body.operators.map((o) => o.email)).toEqual([expect.stringMatching(/^operator-/), b.email, a.email]);
    expect(body.operators.find((o) => o.id === a.id)?.sessions).toBe(1);
    expect(body.operators.find((o) => o.id === b.id)?.sessions).toBe(0);
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|argon2/);

    const auditors = (await list(admin, `?q=${tag}&role=auditor`)).body as ListBody;
    expect(auditors.operators.map((o) => o.id)).toEqual([a.id]);

    const paged = (await list(admin, `?q=${tag}&sort=name.asc&pageSize=10&page=1`)).body as ListBody;
    expect(paged.table).toMatchObject({ total: 3, page: 1, pageSize: 10 });
  });

  it.each([["?sort=passwordHash.asc"], ["?role=root"], ["?nonsense=1"], ["?pageSize=7"]])("answers 400 to %s", async (query) => {
    const admin = await makeOperator("admin");
    expect((await list(admin, query)).status).toBe(400);
  });
});

describe("creating an operator", () => {
  it("creates the account with an argon2id hash and audits it with the admin and IP", async () => {
    const admin = await makeOperator("admin");
    const email = uniqueEmail("new");
    const res = await post(
      admin,
      { intent: "create", email: email.toUpperCase(), name: "  New Person ", role: "auditor", password: "initial password" },
      "?sort=email.asc",
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/operators?sort=email.asc");
    const created = await (await db()).operator.findUniqueOrThrow({ where: { email } });
    expect(created).toMatchObject({ name: "New Person", role: "auditor", active: true });
    expect(await verifyPassword(created.passwordHash, "initial password")).toBe(true);
    const [event] = await auditsBy(admin.id);
    expect(event).toMatchObject({ action: "operator.create", actorEmail: admin.email, targetType: "operator", targetId: created.id, ip: "192.0.2.7" });
    expect(JSON.parse(event.details)).toEqual({ email, role: "auditor" });
    expect(event.details).not.toContain("initial password");
  });

  it.each([
    [{ email: "nope", name: "X", role: "operator", password: "long enough" }, "email", "Enter a valid e-mail address"],
    [{ email: "ok@example.test", name: " ", role: "operator", password: "long enough" }, "name", "Enter a name"],
    [{ email: "ok@example.test", name: "X", role: "root", password: "long enough" }, "role", "Pick admin, operator or auditor"],
    [{ email: "ok@example.test", name: "X", role: "operator", password: "short" }, "password", "At least 8 characters"],
    [{ email: "ok@example.test", name: "X", role: "operator", password: "p".repeat(257) }, "password", "At most 256 characters"],
    [{ email: "ok@example.test", name: "X", role: "operator" }, "password", "Enter a password"],
  ])("answers 400 with field errors and writes nothing: %o", async (fields, field, message) => {
    const admin = await makeOperator("admin");
    const email = uniqueEmail("bad");
    const form = { intent: "create", ...fields, email: fields.email === "ok@example.test" ? email : fields.email } as Record<string, string>;
    const prisma = await db();
    const before = { operators: await prisma.operator.count({ where: { email: form.email } }), audits: (await auditsBy(admin.id)).length };
    const res = await post(admin, form);
    expect(res.status).toBe(400);
    const body = res.body as ErrorBody;
    expect(body.error[field]).toContain(message);
    expect(body.initialValue).not.toHaveProperty("password"); // typed values come back, passwords never do
    expect(body.initialValue.intent).toBe("create");
    expect(await prisma.operator.count({ where: { email: form.email } })).toBe(before.operators);
    expect((await auditsBy(admin.id)).length).toBe(before.audits);
  });

  it("refuses a taken e-mail with a field error", async () => {
    const admin = await makeOperator("admin");
    const existing = await makeOperator("operator");
    const res = await post(admin, { intent: "create", email: existing.email, name: "Dup", role: "operator", password: "long enough" });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.email[0]).toMatch(/already exists/);
    expect(await (await db()).operator.count({ where: { email: existing.email } })).toBe(1);
  });

  it("answers 400 to an unknown intent", async () => {
    const admin = await makeOperator("admin");
    const res = await post(admin, { intent: "drop-table" });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.intent).toEqual(["Unknown action."]);
  });
});

describe("changing roles and deactivating", () => {
  it("changes a role and audits from → to", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    expect((await post(admin, { intent: "change-role", id: op.id, role: "auditor" })).status).toBe(302);
    expect((await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } })).role).toBe("auditor");
    const [event] = await auditsBy(admin.id);
    expect(event).toMatchObject({ action: "operator.role_change", targetId: op.id });
    expect(JSON.parse(event.details)).toMatchObject({ from: "operator", to: "auditor" });
  });

  it("the new role applies to the operator's next request (an admin demoted to operator loses the admin pages)", async () => {
    const admin = await makeOperator("admin");
    const other = await makeOperator("admin");
    expect((await list(other)).status).toBe(200);
    await post(admin, { intent: "change-role", id: other.id, role: "operator" });
    expect((await list(other)).status).toBe(403);
  });

  it("refuses a bad role with 400 and writes nothing", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    const res = await post(admin, { intent: "change-role", id: op.id, role: "superuser" });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.role).toEqual(["Pick admin, operator or auditor"]);
    expect((await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } })).role).toBe("operator");
    expect(await auditsBy(admin.id)).toHaveLength(0);
  });

  it("an admin can neither demote nor deactivate themselves (409, nothing written)", async () => {
    const admin = await makeOperator("admin");
    const demote = await post(admin, { intent: "change-role", id: admin.id, role: "operator" });
    expect(demote.status).toBe(409);
    expect((demote.body as ErrorBody).error[""][0]).toMatch(/own role/);
    const deactivate = await post(admin, { intent: "deactivate", id: admin.id });
    expect(deactivate.status).toBe(409);
    const me = await (await db()).operator.findUniqueOrThrow({ where: { id: admin.id } });
    expect(me).toMatchObject({ role: "admin", active: true });
    expect(await auditsBy(admin.id)).toHaveLength(0);
    expect((await list(admin)).status).toBe(200);
  });

  it("two admins demoting each other at the same moment leave one admin, never none", async () => {
    const a = await makeOperator("admin");
    const b = await makeOperator("admin");
    const results = await Promise.all([
      post(a, { intent: "change-role", id: b.id, role: "operator" }),
      post(b, { intent: "change-role", id: a.id, role: "operator" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 403]);
    const roles = await (await db()).operator.findMany({ where: { id: { in: [a.id, b.id] } }, select: { role: true } });
    expect(roles.map((r) => r.role).sort()).toEqual(["admin", "operator"]);
  });

  it("deactivates and reactivates, auditing both; a deactivated operator cannot sign in until reactivated", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    expect((await post(admin, { intent: "deactivate", id: op.id })).status).toBe(302);
    const signIn = () =>
      call(() =>
        loginAction({
          request: request("/login", { form: { email: op.email, password: op.password } }),
          params: {},
          context: { clientIp: randomUUID() } as AppLoadContext,
        }),
      );
    expect((await signIn()).status).toBe(400);
    expect((await post(admin, { intent: "reactivate", id: op.id })).status).toBe(302);
    expect((await signIn()).status).toBe(302);
    expect((await auditsBy(admin.id)).map((e) => e.action)).toEqual(["operator.deactivate", "operator.reactivate"]);
  });

  it("answers 404 for an operator id that does not exist", async () => {
    const admin = await makeOperator("admin");
    const forms: Record<string, string>[] = [
      { intent: "change-role", id: "missing-id", role: "auditor" },
      { intent: "deactivate", id: "missing-id" },
      { intent: "reset-password", id: "missing-id", newPassword: "long enough" },
      { intent: "end-sessions", id: "missing-id" },
    ];
    for (const form of forms) {
      expect((await post(admin, form)).status).toBe(404);
    }
    expect(await auditsBy(admin.id)).toHaveLength(0);
  });
});

describe("resetting a password and ending sessions", () => {
  it("sets the new password, ends the operator's sessions and audits without the password", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    expect((await post(admin, { intent: "reset-password", id: op.id, newPassword: "fresh password 1" })).status).toBe(302);
    const row = await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } });
    expect(await verifyPassword(row.passwordHash, "fresh password 1")).toBe(true);
    expect(await verifyPassword(row.passwordHash, op.password)).toBe(false);
    expect(await (await db()).authSession.count({ where: { operatorId: op.id } })).toBe(0);
    const [event] = await auditsBy(admin.id);
    expect(event.action).toBe("operator.password_reset");
    expect(event.details).not.toContain("fresh password 1");
  });

  it("refuses a too-short password with 400 and keeps the old one and the sessions", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    const res = await post(admin, { intent: "reset-password", id: op.id, newPassword: "short" });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.newPassword).toEqual(["At least 8 characters"]);
    const row = await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } });
    expect(await verifyPassword(row.passwordHash, op.password)).toBe(true);
    expect(await (await db()).authSession.count({ where: { operatorId: op.id } })).toBe(1);
  });

  it("an admin resets their own password on the Account page, not here (409)", async () => {
    const admin = await makeOperator("admin");
    expect((await post(admin, { intent: "reset-password", id: admin.id, newPassword: "long enough" })).status).toBe(409);
  });

  it("ends every session of another operator and audits how many ended", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    expect((await post(admin, { intent: "end-sessions", id: op.id })).status).toBe(302);
    expect(await (await db()).authSession.count({ where: { operatorId: op.id } })).toBe(0);
    const [event] = await auditsBy(admin.id);
    expect(event.action).toBe("operator.sessions_end");
    expect(JSON.parse(event.details)).toMatchObject({ sessionsEnded: 1 });
  });
});
