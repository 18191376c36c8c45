import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { listNotes } from "~/notes/notes.server";
import { action } from "~/routes/sessions.$id.notes";

const SESSION = "AZnotesSession00000001";

const post = (as: TestOperator | null, form: Record<string, string>, sessionId = SESSION, origin?: string | null) =>
  call(() => action({ request: request(`/sessions/${sessionId}/notes`, { as, form, origin }), params: { id: sessionId }, context: {} }));

async function create(as: TestOperator, body = "Customer asked for a refund", sessionId = SESSION) {
  const clientId = randomUUID();
  const res = await post(as, { intent: "create", clientId, body }, sessionId);
  expect(res.status).toBe(200);
  return clientId;
}

const auditRows = async (targetId: string) =>
  (await (await db()).auditEvent.findMany({ where: { targetType: "note", targetId }, orderBy: { id: "asc" } })).map((r) => ({
    ...r,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));

describe("notes", () => {
  it("lets operators, auditors and admins write notes, with author, time and an audit row", async () => {
    for (const role of ["operator", "auditor", "admin"] as const) {
      const author = await makeOperator(role);
      const id = await create(author, `note by ${role}`);
      const note = (await listNotes(SESSION)).find((n) => n.id === id)!;
      expect(note).toMatchObject({ body: `note by ${role}`, author: { id: author.id, name: author.name }, edited: false });
      expect(note.createdAt).toMatch(/Z$/);
      const [row] = await auditRows(id);
      expect(row).toMatchObject({ action: "note.create", actorId: author.id, details: { sessionId: SESSION, length: `note by ${role}`.length } });
    }
  });

  it("creates one note for a double submit with the same client id", async () => {
    const op = await makeOperator("operator");
    const clientId = randomUUID();
    const form = { intent: "create", clientId, body: "only once" };
    const results = await Promise.all([post(op, form), post(op, form)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await post(op, form)).toMatchObject({ status: 200 });
    expect((await listNotes(SESSION)).filter((n) => n.id === clientId)).toHaveLength(1);
    expect((await auditRows(clientId)).filter((r) => r.action === "note.create")).toHaveLength(1);
  });

  it("refuses bad input with 400 and field errors, writing nothing", async () => {
    const op = await makeOperator("operator");
    const before = await (await db()).note.count();
    const cases: Record<string, string>[] = [
      { intent: "create", clientId: randomUUID(), body: "   " },
      { intent: "create", clientId: randomUUID(), body: "x".repeat(5001) },
      { intent: "create", clientId: "not-a-uuid", body: "hello" },
      { intent: "create", body: "no client id" },
      { intent: "shout", body: "hello" },
      { intent: "edit", noteId: "", body: "hello" },
    ];
    for (const form of cases) {
      const res = await post(op, form);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      // conform's reply (ADR 190): the refused fields by name, or the unknown intent.
      expect(Object.keys((res.body as { error: Record<string, string[]> }).error).length).toBeGreaterThan(0);
    }
    const bodyError = await post(op, { intent: "create", clientId: randomUUID(), body: "" });
    expect((bodyError.body as { error: Record<string, string[]> }).error.body).toEqual(["Write something first"]);
    expect(await (await db()).note.count()).toBe(before);
  });

  it("accepts a body of exactly 5000 characters", async () => {
    const op = await makeOperator("operator");
    const id = await create(op, "y".repeat(5000));
    expect((await listNotes(SESSION)).find((n) => n.id === id)!.body).toHaveLength(5000);
  });

  it("lets the author edit their note, audited; the last of two edits wins", async () => {
    const op = await makeOperator("operator");
    const id = await create(op);
    expect((await post(op, { intent: "edit", noteId: id, body: "first edit" })).status).toBe(200);
    await Promise.all([post(op, { intent: "edit", noteId: id, body: "edit A" }), post(op, { intent: "edit", noteId: id, body: "edit B" })]);
    const notes = (await listNotes(SESSION)).filter((n) => n.id === id);
    expect(notes).toHaveLength(1);
    expect(["edit A", "edit B"]).toContain(notes[0]!.body);
    expect((await auditRows(id)).map((r) => r.action)).toEqual(["note.create", "note.update", "note.update", "note.update"]);
  });

  it("answers 404 to editing or deleting someone else's note (even as admin for edits), changing nothing", async () => {
    const author = await makeOperator("operator");
    const other = await makeOperator("operator");
    const admin = await makeOperator("admin");
    const id = await create(author, "mine");
    expect((await post(other, { intent: "edit", noteId: id, body: "hijacked" })).status).toBe(404);
    expect((await post(admin, { intent: "edit", noteId: id, body: "admin rewrite" })).status).toBe(404);
    expect((await post(other, { intent: "delete", noteId: id })).status).toBe(404);
    // The right note id under another session is not found either.
    expect((await post(author, { intent: "edit", noteId: id, body: "elsewhere" }, "AZotherSession00000001")).status).toBe(404);
    expect((await listNotes(SESSION)).find((n) => n.id === id)!.body).toBe("mine");
    expect((await auditRows(id)).map((r) => r.action)).toEqual(["note.create"]);
  });

  it("lets the author delete their note and an admin delete anyone's, audited", async () => {
    const author = await makeOperator("auditor");
    const admin = await makeOperator("admin");
    const own = await create(author, "delete me");
    const theirs = await create(author, "admin deletes me");
    expect((await post(author, { intent: "delete", noteId: own })).status).toBe(200);
    expect((await post(admin, { intent: "delete", noteId: theirs })).status).toBe(200);
    const ids = (await listNotes(SESSION)).map((n) => n.id);
    expect(ids).not.toContain(own);
    expect(ids).not.toContain(theirs);
    expect((await auditRows(own)).at(-1)).toMatchObject({ action: "note.delete", actorId: author.id, details: { byAdmin: false } });
    expect((await auditRows(theirs)).at(-1)).toMatchObject({ action: "note.delete", actorId: admin.id, details: { byAdmin: true, authorId: author.id } });
    expect((await post(admin, { intent: "delete", noteId: theirs })).status).toBe(404);
  });

  it("refuses the signed-out and cross-origin posts", async () => {
    const op = await makeOperator("operator");
    const signedOut = await post(null, { intent: "create", clientId: randomUUID(), body: "x" });
    expect(signedOut.status).toBe(302);
    const crossOrigin = await post(op, { intent: "create", clientId: randomUUID(), body: "x" }, SESSION, "http://evil.example");
    expect(crossOrigin.status).toBe(403);
  });
});

// A resource route's answer reaches the browser as Remix sends it: only a Response keeps its status (anything
// else becomes JSON with status 200), so these look at the raw value the action returns, not a normalised one.
describe("notes answers as HTTP sees them", () => {
  const raw = (as: TestOperator, form: Record<string, string>, sessionId = SESSION) =>
    action({ request: request(`/sessions/${sessionId}/notes`, { as, form }), params: { id: sessionId }, context: {} }).catch((thrown: unknown) => thrown);

  it("answers a validation error as a 400 Response with the field errors", async () => {
    const op = await makeOperator("operator");
    const forms: Record<string, string>[] = [
      { intent: "create", clientId: randomUUID(), body: "" },
      { intent: "shout" },
      { intent: "edit", noteId: "", body: "x" },
    ];
    for (const form of forms) {
      const res = await raw(op, form);
      expect(res, JSON.stringify(form)).toBeInstanceOf(Response);
      expect((res as Response).status).toBe(400);
      expect(Object.keys(((await (res as Response).json()) as { error: Record<string, string[]> }).error).length).toBeGreaterThan(0);
    }
  });

  it("answers a success as a 200 Response", async () => {
    const op = await makeOperator("operator");
    const res = await raw(op, { intent: "create", clientId: randomUUID(), body: "hello" });
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(200);
  });

  it("answers 409 to a create with another operator's client id, leaving their note untouched", async () => {
    const owner = await makeOperator("operator");
    const intruder = await makeOperator("auditor");
    const clientId = await create(owner, "the owner's words");
    const before = await (await db()).note.count();
    const res = await raw(intruder, { intent: "create", clientId, body: "someone else's words" });
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(409);
    const body = (await (res as Response).json()) as { status: string; error: Record<string, string[]> };
    expect(body.status).toBe("error");
    expect(body.error.clientId?.[0]).toMatch(/already used/);
    expect(JSON.stringify(body)).not.toContain("the owner's words");
    expect(await (await db()).note.count()).toBe(before);
    expect((await listNotes(SESSION)).find((n) => n.id === clientId)).toMatchObject({ body: "the owner's words", author: { id: owner.id } });
    expect((await auditRows(clientId)).map((r) => r.action)).toEqual(["note.create"]);
  });

  it("answers 409 to my own client id reused on another session", async () => {
    const op = await makeOperator("operator");
    const clientId = await create(op, "first session");
    const res = await raw(op, { intent: "create", clientId, body: "second session" }, "AZotherSession00000002");
    expect((res as Response).status).toBe(409);
  });
});
