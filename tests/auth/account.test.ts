import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { describe, expect, it } from "vitest";
import { action, loader } from "~/routes/account";
import { lucia } from "~/auth/lucia.server";
import { verifyPassword } from "~/auth/password.server";
import { hashToken } from "~/auth/token-hash.server";
import { db } from "~/db.server";

const post = (as: TestOperator, form: Record<string, string>) => call(() => action({ request: request("/account", { form, as }), params: {}, context: {} }));
const view = (as: TestOperator) => call(() => loader({ request: request("/account", { as }), params: {}, context: {} }));

type Sessions = { sessions: { id: string; current: boolean; ip: string | null; userAgent: string | null; createdAt: Date; expiresAt: Date }[] };
// conform's reply (ADR 190): field errors by name, form errors under "", what was typed minus passwords.
type ErrorBody = { status: "error"; error: Record<string, string[]>; initialValue: Record<string, string> };

async function anotherSession(op: TestOperator, attributes: { ip?: string; userAgent?: string } = {}) {
  const session = await lucia().createSession(op.id, { createdAt: new Date(), ...attributes });
  return { ...op, token: session.id, cookie: `console_session=${session.id}` };
}
const passwordOf = async (op: TestOperator) => (await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } })).passwordHash;
const auditsBy = async (actorId: string) => (await db()).auditEvent.findMany({ where: { actorId }, orderBy: { id: "asc" } });

describe("account: my sessions", () => {
  it("lists my live sessions with ip and user agent, marks the current one, and shows no tokens", async () => {
    const op = await makeOperator("auditor");
    const other = await anotherSession(op, { ip: "198.51.100.4", userAgent: "Firefox on a laptop" });
    const stranger = await makeOperator("operator");
    const res = await view(op);
    expect(res.status).toBe(200);
    const { sessions } = res.body as Sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)?.id).toBe(hashToken(op.token));
    expect(sessions.find((s) => !s.current)).toMatchObject({ id: hashToken(other.token), ip: "198.51.100.4", userAgent: "Firefox on a laptop" });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(op.token);
    expect(text).not.toContain(other.token);
    expect(text).not.toContain(hashToken(stranger.token));
  });

  it("revokes another of my sessions and audits it", async () => {
    const op = await makeOperator("operator");
    const other = await anotherSession(op);
    const res = await post(op, { intent: "revoke-session", id: hashToken(other.token) });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/account?changed=session");
    expect(await (await db()).authSession.findUnique({ where: { id: hashToken(other.token) } })).toBeNull();
    expect((await view(op)).status).toBe(200);
    expect((await auditsBy(op.id)).map((e) => e.action)).toEqual(["account.session_revoke"]);
  });

  it("revoking the current session signs me out", async () => {
    const op = await makeOperator("operator");
    const res = await post(op, { intent: "revoke-session", id: hashToken(op.token) });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    expect(res.headers.get("set-cookie")).toMatch(/console_session=;/);
    expect((await view(op)).status).toBe(302);
  });

  it("answers 404 to revoking someone else's session (IDOR) and leaves it alone", async () => {
    const op = await makeOperator("operator");
    const victim = await makeOperator("admin");
    const res = await post(op, { intent: "revoke-session", id: hashToken(victim.token) });
    expect(res.status).toBe(404);
    expect(await (await db()).authSession.findUnique({ where: { id: hashToken(victim.token) } })).not.toBeNull();
    expect(await auditsBy(op.id)).toHaveLength(0);
  });

  it("answers 400 to a malformed session id", async () => {
    const op = await makeOperator("operator");
    const res = await post(op, { intent: "revoke-session", id: "../../etc" });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.id).toEqual(["Not a session id"]);
  });
});

describe("account: change password", () => {
  const NEW = "a much better password";

  it("changes it after checking the current one, and audits without either password", async () => {
    const op = await makeOperator("operator");
    const res = await post(op, { intent: "change-password", current: op.password, newPassword: NEW, newConfirm: NEW });
    expect(res.status).toBe(302);
    expect(await verifyPassword(await passwordOf(op), NEW)).toBe(true);
    const [event] = await auditsBy(op.id);
    expect(event.action).toBe("account.password_change");
    expect(event.details).not.toContain(NEW);
    expect(event.details).not.toContain(op.password);
  });

  it.each([
    [{ current: "wrong password", newPassword: NEW, newConfirm: NEW }, "current", "That is not your current password."],
    [{ current: "", newPassword: NEW, newConfirm: NEW }, "current", "Enter your current password"],
    [{ current: "CURRENT", newPassword: "short", newConfirm: "short" }, "newPassword", "At least 8 characters"],
    [{ current: "CURRENT", newPassword: "n".repeat(257), newConfirm: "n".repeat(257) }, "newPassword", "At most 256 characters"],
    [{ current: "CURRENT", newPassword: NEW, newConfirm: `${NEW}!` }, "newConfirm", "The two new passwords differ"],
  ])("answers 400 with field errors, and changes nothing: %o", async (fields, field, message) => {
    const op = await makeOperator("operator");
    const other = await anotherSession(op);
    const before = await passwordOf(op);
    const form = { intent: "change-password", ...fields, current: fields.current === "CURRENT" ? op.password : fields.current };
    const res = await post(op, form);
    expect(res.status).toBe(400);
    const body = res.body as ErrorBody;
    expect(body.error[field]).toContain(message);
    expect(Object.keys(body.initialValue)).toEqual(["intent"]); // no password comes back
    expect(await passwordOf(op)).toBe(before);
    expect(await (await db()).authSession.findUnique({ where: { id: hashToken(other.token) } })).not.toBeNull();
  });

  it("answers 400 to an unknown intent", async () => {
    const op = await makeOperator("operator");
    expect((await post(op, { intent: "become-admin" })).status).toBe(400);
  });
});
