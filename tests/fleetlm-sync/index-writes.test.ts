// The sync queue's index writes in batches (ADR 204): writes ready together go into ONE transaction, a session that
// fails does not take the others' writes with it, and unread stays exact while a cursor moves during a batch.
import { makeOperator, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { IndexWrites } from "~/fleetlm-sync/index-writes.server";
import { advanceReadCursor, unreadFor } from "~/inbox/read-cursor.server";
import { applyIndexWrites, type IndexWrite } from "~/inbox/session-index.server";
import { current, indexedSession, message } from "../inbox/support/index-fixture";

let op: TestOperator;

beforeAll(async () => {
  op = await makeOperator("operator");
});

/** The real writer, with the size of every transaction it ran. */
function counted() {
  const sizes: number[] = [];
  const apply = (writes: readonly IndexWrite[]) => {
    sizes.push(writes.length);
    return applyIndexWrites(writes);
  };
  return { sizes, apply };
}

describe("index writes in batches", () => {
  it("writes two sessions ready together in one transaction, each with its own head, counts and search rows", async () => {
    const a = await indexedSession();
    const b = await indexedSession();
    const { sizes, apply } = counted();
    const writes = new IndexWrites({ apply, windowMs: 20 });
    const [rowA, rowB] = await Promise.all([
      writes.write({ row: a, messages: [message(a, 1, "user"), message(a, 2, "agent")] }),
      writes.write({ row: b, messages: [message(b, 1, "user"), message(b, 2, "user"), message(b, 3, "user")] }),
    ]);
    expect(sizes).toEqual([2]);
    expect([rowA?.headSeq, rowA?.userCount, rowB?.headSeq, rowB?.userCount]).toEqual([2, 1, 3, 3]);
    const prisma = await db();
    expect(await prisma.indexedMessage.count({ where: { sessionId: a.id } })).toBe(2);
    expect(await prisma.indexedMessage.count({ where: { sessionId: b.id } })).toBe(3);
    // The same writes again change nothing (keyed by seq, re-read under the lock).
    expect(await writes.write({ row: a, messages: [message(a, 1, "user"), message(a, 2, "agent")] })).toBeNull();
    expect((await current(a.id)).userCount).toBe(1);
  });

  it("moves a head past lost seqs in the batch, and merges two writes of one session", async () => {
    const s = await indexedSession();
    const [first, second] = await applyIndexWrites([
      { row: s, messages: [message(s, 1, "user")], lostUpTo: 0 },
      { row: s, messages: [message(s, 2, "user")], lostUpTo: 4 },
    ]);
    expect(first?.headSeq).toBe(4);
    expect(second?.headSeq).toBe(4);
    expect((await current(s.id)).userCount).toBe(2);
  });

  it("a session whose write fails does not lose the others of its batch", async () => {
    const good = await indexedSession();
    const bad = await indexedSession();
    const { sizes, apply } = counted();
    const writes = new IndexWrites({ apply, windowMs: 20 });
    // An invalid date fails the statement that carries it: the whole batch rolls back.
    const broken = { ...message(bad, 1, "user"), insertedAt: new Date(Number.NaN) };
    const [ok, failed] = await Promise.allSettled([
      writes.write({ row: good, messages: [message(good, 1, "user")] }),
      writes.write({ row: bad, messages: [broken] }),
    ]);
    expect(sizes).toEqual([2, 1, 1]); // the batch, then each alone
    expect(ok.status === "fulfilled" && ok.value?.headSeq).toBe(1);
    expect(failed.status).toBe("rejected");
    expect((await current(good.id)).headSeq).toBe(1);
    expect((await current(bad.id)).headSeq).toBe(0);
  });

  it("keeps unread exact when a cursor moves while a batch indexes the session (50 rounds)", async () => {
    const wrong: string[] = [];
    for (let round = 0; round < 50; round++) {
      const s = await indexedSession();
      const other = await indexedSession();
      const writes = new IndexWrites({ windowMs: 1 });
      await writes.write({ row: s, messages: [message(s, 1, "user")] });
      const row = await current(s.id);
      // seq 2 (a user message) is indexed in a batch with another session while the tab posts "read" at 2.
      const steps = [
        () => Promise.all([writes.write({ row, messages: [message(s, 2, "user")] }), writes.write({ row: other, messages: [message(other, 1, "user")] })]),
        () => advanceReadCursor(op.id, s.id, 2),
      ];
      if (round % 2) steps.reverse();
      await Promise.all(steps.map((step) => step()));
      await writes.write({ row: await current(s.id), messages: [message(s, 3, "user")] });
      const unread = await unreadFor(op.id, s.id);
      if (unread !== 1) wrong.push(`round ${round}: ${unread}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
