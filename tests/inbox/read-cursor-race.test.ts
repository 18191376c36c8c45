// Issue 15: a read cursor moving while the index records messages must never leave unread one short. Both
// sides run in one transaction holding the session-index row's lock (session-lock.server.ts). Run 200 times.
import { makeOperator, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { advanceReadCursor, unreadFor } from "~/inbox/read-cursor.server";
import { applyMessages } from "~/inbox/session-index.server";
import { current, indexedSession, message } from "./support/index-fixture";

const ROUNDS = 200;
// 200 rounds of four transactions each: about 20 s on SQLite, more on PostgreSQL under a loaded machine.
const RACE_TIMEOUT_MS = 180_000;
let op: TestOperator;

beforeAll(async () => {
  op = await makeOperator("operator");
});

describe("read cursor against the index sync", () => {
  it(
    `send + read at the same seq, then a user message: unread exactly 1 (${ROUNDS} rounds)`,
    async () => {
      const wrong: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const s = await indexedSession();
        await applyMessages(await current(s.id), [message(s, 1, "user"), message(s, 2, "agent")]);
        const row = await current(s.id);
        // The operator's own send (seq 3) is being indexed while their tab posts "read" at seq 3.
        await Promise.all([applyMessages(row, [message(s, 3, "operator")]), advanceReadCursor(op.id, s.id, 3)]);
        await applyMessages(await current(s.id), [message(s, 4, "user")]);
        const unread = await unreadFor(op.id, s.id);
        if (unread !== 1) wrong.push(`round ${round}: ${unread}`);
      }
      expect(wrong).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `a user message indexed while the cursor moves to its seq, then another: unread exactly 1 (${ROUNDS} rounds)`,
    async () => {
      const wrong: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const s = await indexedSession();
        await applyMessages(await current(s.id), [message(s, 1, "user")]);
        const row = await current(s.id);
        // Alternate who starts first so both interleavings are exercised.
        const steps = [() => applyMessages(row, [message(s, 2, "user")]), () => advanceReadCursor(op.id, s.id, 2)];
        if (round % 2) steps.reverse();
        await Promise.all(steps.map((step) => step()));
        await applyMessages(await current(s.id), [message(s, 3, "user")]);
        const unread = await unreadFor(op.id, s.id);
        if (unread !== 1) wrong.push(`round ${round}: ${unread}`);
      }
      expect(wrong).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});
