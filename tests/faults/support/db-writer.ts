// One of the concurrent writers of sqlite-concurrency.test.ts, run as its own process (its own Prisma client,
// its own SQLite connection), through the app's real write paths. Waits for "go" on stdin so all writers
// start together, then prints one JSON line: what it wrote and every error it met.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { advanceReadCursor } from "~/inbox/read-cursor.server";
import { createNote, deleteNote, editNote } from "~/notes/notes.server";
import { setFlag } from "~/reviews/reviews.server";
import { claimTakeover, releaseTakeover } from "~/takeover/takeover.server";

type Args = { writer: number; iterations: number; sessionId: string; operator: { id: string; email: string; name: string; role: "operator" } };
const args = JSON.parse(process.argv[2]) as Args;
const errors: string[] = [];
const notes: string[] = [];
let transactions = 0;
let claims = 0;
let releases = 0;

async function attempt(label: string, fn: () => Promise<unknown>) {
  console.log(`step ${label}`); // the test names the last step of a writer that never finishes
  try {
    await fn();
  } catch (error) {
    errors.push(`${label}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 500));
  }
}

const prisma = await db();
await prisma.operator.count(); // connection open before the start line
console.log("ready");
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));

const { writer, iterations, sessionId, operator } = args;
for (let i = 1; i <= iterations; i++) {
  await attempt("audit", () => audit({ actor: operator, action: "fault.concurrency", targetType: "writer", targetId: `${writer}:${i}` }));
  const noteId = randomUUID();
  await attempt("createNote", async () => {
    await createNote(operator, sessionId, noteId, `writer ${writer} note ${i}`);
    notes.push(noteId);
  });
  if (i % 3 === 0) await attempt("editNote", () => editNote(operator, sessionId, noteId, `writer ${writer} note ${i} (edited)`));
  if (i % 5 === 0) {
    // The app's own read-then-write transaction (find the note, then delete it): under WAL the shape most
    // likely to meet SQLITE_BUSY, since a deferred transaction that read a stale snapshot cannot upgrade.
    await attempt("deleteNote", async () => {
      await deleteNote(operator, sessionId, noteId);
      notes.splice(notes.indexOf(noteId), 1);
    });
  }
  // Everyone grabs the shared session; a winner hands it back at once (claim = insert on a unique column,
  // release = read-then-update transaction).
  await attempt("claimTakeover", async () => {
    const claim = await claimTakeover({ sessionId, actor: operator });
    if (claim.ok && !claim.already) {
      claims++;
      await attempt("releaseTakeover", async () => {
        const released = await releaseTakeover({ sessionId, actor: operator });
        if (!released.ok) throw new Error(`release refused: ${released.reason}`);
        releases++;
      });
    } else if (!claim.ok && claim.status !== 409) throw new Error(`claim refused: ${claim.status} ${claim.reason}`);
  });
  // Clearing another operator's flag needs a reason (ADR 113): the writers give one.
  await attempt("setFlag", () => setFlag(operator, sessionId, 1, i % 2 === 0, undefined, "concurrency"));
  await attempt("advanceReadCursor", () => advanceReadCursor(operator.id, sessionId, writer * 1000 + i));
  await attempt("transaction", async () => {
    // Write first, then read inside the same transaction (the safe shape on SQLite): the counter must see every increment.
    await prisma.$transaction(async (tx) => {
      const row = await tx.sessionIndex.update({ where: { id: sessionId }, data: { headSeq: { increment: 1 } }, select: { headSeq: true } });
      await tx.sessionIndex.update({ where: { id: sessionId }, data: { lastPreview: `w${writer} made ${row.headSeq}` } });
      await audit({ actor: operator, action: "fault.concurrency.tx", targetType: "session", targetId: sessionId }, tx);
    });
    transactions++;
  });
}
console.log(JSON.stringify({ writer, errors, notes, transactions, claims, releases }));
await prisma.$disconnect();
process.exit(0);
