// Search (issue 16): one box for user ids (case-insensitive substring), session ids and message text through the
// database's full-text index, fed by the index sync — exact after a Console restart and a catch-up — and safe for
// any string.
import { makeOperator, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { startGateway, stopGateway } from "~/fleetlm-sync/gateway.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { fts5Query, searchTerms } from "~/inbox/search.server";
import { applyMessages } from "~/inbox/session-index.server";
import { hitRuns } from "~/inbox/components/search-hit";
import { current, indexedSession, message } from "./support/index-fixture";

const tag = randomUUID().slice(0, 6);
let op: TestOperator;

async function search(q: string, extra = "") {
  return queryInbox(parseInboxParams(new URL(`http://x/inbox?q=${encodeURIComponent(q)}${extra}`)), op.id);
}

beforeAll(async () => {
  op = await makeOperator("operator");
});

describe("the search box", () => {
  it("finds user ids by case-insensitive substring and sessions by id", async () => {
    const s = await indexedSession({ userId: `Customer-${tag}-ZED` });
    const other = await indexedSession({ userId: `someone-${tag}` });
    expect((await search(`MER-${tag}-z`)).rows.map((r) => r.id)).toEqual([s.id]);
    expect((await search(other.id)).rows.map((r) => r.id)).toEqual([other.id]);
    // A LIKE wildcard typed by the user is a plain character.
    expect((await search(`%${tag}%`)).rows).toEqual([]);
  });

  it("finds words in message bodies (any case, word prefixes), shows the newest matching message highlighted, with its seq", async () => {
    const s = await indexedSession();
    const word = `refund${tag}`;
    await applyMessages(await current(s.id), [
      message(s, 1, "user", `I want a ${word.toUpperCase()} for my order`),
      message(s, 2, "agent", "Let me check that for you."),
      message(s, 3, "user", `Still waiting on the ${word}, please`),
    ]);
    const { rows } = await search(word.slice(0, -2));
    expect(rows.map((r) => r.id)).toEqual([s.id]);
    expect(rows[0]!.hit).toMatchObject({ seq: 3 });
    const runs = hitRuns(rows[0]!.hit!.snippet);
    expect(runs.filter((r) => r.hit).map((r) => r.text.toLowerCase())).toEqual([word]);
    expect(runs.map((r) => r.text).join("")).toContain("Still waiting on the");
    // Every word must match (AND): a word from another session's text narrows it to none.
    expect((await search(`${word} pineapple${tag}`)).rows).toEqual([]);
  });

  it("is safe for any string: quotes, full-text operators, Unicode, huge input", async () => {
    const s = await indexedSession();
    await applyMessages(await current(s.id), [message(s, 1, "user", `naïve café ${tag} 東京 "quoted" NEAR(a b) col:term`)]);
    const hostile = [
      '"',
      '""',
      "'",
      "*",
      "NEAR(",
      "a AND OR NOT",
      "col:term",
      "^start",
      "-minus",
      "(((",
      "\\",
      "%",
      "_",
      "😀",
      "\u202e",
      "東京",
      `"${tag}"`,
      "x".repeat(200),
      "NOT",
      "AND",
      "{ }",
      "a:b:c",
      "\u0001\u0002",
    ];
    for (const q of hostile) await expect(search(q), q).resolves.toBeDefined();
    expect((await search("東京")).rows.map((r) => r.id)).toContain(s.id);
    expect((await search(`café ${tag}`)).rows.map((r) => r.id)).toEqual([s.id]);
    expect((await search(`"${tag}" NEAR(`)).rows.map((r) => r.id)).toEqual([s.id]);
  });

  it("turns what the user typed into quoted prefix terms only", () => {
    expect(searchTerms(`Hello "world" AND NEAR(x) ${"w".repeat(3)} 東京 😀`)).toEqual(["hello", "world", "and", "near", "x", "www", "東京"]);
    expect(fts5Query(["a", "b"])).toBe('"a"* "b"*');
    expect(searchTerms('"*^():-')).toEqual([]);
  });
});

describe("the text index is fed by the index sync", () => {
  let dev: FleetlmDevServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "inbox-search-"));
    dev = await startFleetlmDev({ port: 0, dataDir });
  });
  afterAll(async () => {
    await stopGateway();
    await dev?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stays exact across a Console restart and a catch-up: every seq indexed once, words from both sides found", async () => {
    const rest = new FleetLMRest({ baseUrl: dev.url });
    const userId = `search-user-${tag}`;
    const session = await rest.createSession({ userId, agentId: "search-agent" });
    await rest.appendMessage(session.id, { userId, content: { text: `before restart kumquat${tag}` } });
    await startGateway({ fleetlmUrl: dev.url, pollMs: 200, rejoinMs: 300, force: true });
    await expect.poll(async () => (await search(`kumquat${tag}`)).rows.map((r) => r.id), { timeout: 20_000 }).toEqual([session.id]);
    // The user id came in with the same sync: found by a substring in another case (the trigram index, ADR 192).
    expect((await search(`RCH-USER-${tag}`)).rows.map((r) => r.id)).toEqual([session.id]);

    await stopGateway(); // the Console goes away; FleetLM carries on
    for (let i = 0; i < 5; i++) await rest.appendMessage(session.id, { userId, content: { text: `while away durian${tag} ${i}` } });
    await startGateway({ fleetlmUrl: dev.url, pollMs: 200, rejoinMs: 300, force: true });
    await syncSessionNow(session.id);
    await expect.poll(async () => (await search(`durian${tag}`)).rows[0]?.hit?.seq, { timeout: 20_000 }).toBe(6);

    const prisma = await db();
    const row = await prisma.sessionIndex.findUnique({ where: { id: session.id } });
    const seqs = (await prisma.indexedMessage.findMany({ where: { sessionId: session.id }, select: { seq: true }, orderBy: { seq: "asc" } })).map((m) => m.seq);
    expect(row!.headSeq).toBe(6);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    // A second sync of the same seqs adds nothing.
    await syncSessionNow(session.id);
    expect(await prisma.indexedMessage.count({ where: { sessionId: session.id } })).toBe(6);
    expect((await search(`kumquat${tag}`)).rows[0]?.hit?.seq).toBe(1);
  });
});
