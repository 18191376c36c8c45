// Find in transcript (issue 17): every matching seq of the whole session from the message index, as the route
// answers it — case-insensitive, % and _ as plain text, other sessions never, bad input 400, roles.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader } from "~/routes/sessions.$id.find";
import { FIND_LIMIT } from "~/sessions/find.server";

let alice: TestOperator;
let auditor: TestOperator;
const id = `find-${randomUUID().slice(0, 8)}`;
const other = `find-other-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  [alice, auditor] = await Promise.all([makeOperator("operator"), makeOperator("auditor")]);
  const prisma = await db();
  for (const [sessionId, head] of [
    [id, 2_000],
    [other, 3],
  ] as const) {
    await prisma.sessionIndex.create({ data: { id: sessionId, userId: "u", agentId: "a", status: "active", createdAt: new Date(), headSeq: head } });
  }
  const body = (seq: number) =>
    seq === 7 ? "Where is my PARCEL?" : seq === 1_500 ? "parcel again" : seq === 40 ? "100% sure_thing" : seq >= 1_600 ? `spam ${seq}` : `message ${seq}`;
  await prisma.indexedMessage.createMany({
    data: Array.from({ length: 2_000 }, (_, i) => ({ sessionId: id, seq: i + 1, role: "user", body: body(i + 1), at: new Date() })),
  });
  await prisma.indexedMessage.create({ data: { sessionId: other, seq: 1, role: "user", body: "parcel elsewhere", at: new Date() } });
});

const find = (q: string | null, as: TestOperator = alice, sessionId = id) =>
  call(() =>
    loader({
      request: request(`/sessions/${sessionId}/find${q === null ? "" : `?${new URLSearchParams({ q })}`}`, { as }),
      params: { id: sessionId },
      context: {},
    }),
  );

describe("find in transcript", () => {
  it("finds every hit in the whole session, case-insensitive, in seq order, and only in this session", async () => {
    const res = await find("parcel");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ q: "parcel", seqs: [7, 1_500], capped: false, indexedUpTo: 2_000 });
    expect((await find("  PaRcEl  ")).body).toMatchObject({ seqs: [7, 1_500] });
    expect((await find("parcel", alice, other)).body).toMatchObject({ seqs: [1] });
  });

  it("takes % and _ as the characters they are, not wildcards", async () => {
    expect((await find("0% s")).body).toMatchObject({ seqs: [40] });
    expect((await find("e_t")).body).toMatchObject({ seqs: [40] });
    expect((await find("%")).body).toMatchObject({ seqs: [40] });
  });

  it("says when there are more hits than it lists", async () => {
    const res = (await find("spam")).body as { seqs: number[]; capped: boolean };
    expect(res.seqs.length).toBe(Math.min(401, FIND_LIMIT));
    expect(res.capped).toBe(401 > FIND_LIMIT);
    const all = (await find("e")).body as { seqs: number[]; capped: boolean };
    expect(all.seqs).toHaveLength(FIND_LIMIT);
    expect(all.capped).toBe(true);
  });

  it("every role may search; bad input is a 400; nothing found is an empty list", async () => {
    expect((await find("parcel", auditor)).status).toBe(200);
    for (const q of [null, "", "   ", "x".repeat(201)]) expect((await find(q)).status, String(q)).toBe(400);
    expect((await find("no such words")).body).toMatchObject({ seqs: [] });
  });
});
