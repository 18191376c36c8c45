// A search is resolved once per request (ADR 151): listed by id when it matches few sessions, kept as one
// condition when it matches more than RESOLVE_SESSIONS. Both ways must give exactly the rows, order and counts a
// plain reading of the URL gives: checked against a reference filter and sort in JavaScript over 2,600 indexed
// sessions whose messages hold a common word (in more than RESOLVE_SESSIONS sessions) and rare ones. User ids are
// matched by substring from 3 characters on (the trigram index) and by prefix below (ADR 192), in any case, also
// for user ids in other scripts and ids holding LIKE and FTS5 syntax.
import "../support/db";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { COUNT_CAP, parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { RESOLVE_SESSIONS, resolveSearch } from "~/inbox/search.server";
import { HIT_END, HIT_START, matchesTerms, snippetOf } from "~/inbox/search-snippet";
import { makeOperator } from "../support/auth";

const TOTAL = 2_600;
type Seeded = { id: string; userId: string; agentId: string; status: string; lastActivityAt: Date; texts: string[] };
let me: string;
let rows: Seeded[] = [];

beforeAll(async () => {
  me = (await makeOperator("operator")).id;
  const now = Date.now();
  rows = Array.from({ length: TOTAL }, (_, i) => ({
    id: `sx${String((i * 7_919) % TOTAL).padStart(5, "0")}`,
    userId: i % 50 === 0 ? `parrot${i}` : `u${String(i % 300).padStart(4, "0")}`,
    agentId: `agent${i % 3}`,
    status: i % 9 === 0 ? "archived" : "active",
    lastActivityAt: new Date(now - ((i * 37) % 5_000) * 60_000),
    // "common" in 90% of the sessions, "rare" in every 97th, "parrot" in every 400th (also a user id word).
    texts: [i % 10 !== 0 ? `hello about the common case ${i}` : `hello ${i}`, i % 97 === 0 ? `a rare word here` : `plain`, i % 400 === 0 ? "parrots" : "x"],
  }));
  // A long session whose only match is its first message: a wide search finds its hit beyond the newest 100.
  rows.push({
    id: "sxlong",
    userId: "u9999",
    agentId: "agent1",
    status: "active",
    lastActivityAt: new Date(now + 60_000),
    texts: ["the common zebra", ...Array<string>(129).fill("filler")],
  });
  // User ids with other scripts and with characters that are syntax to LIKE or FTS5.
  const special = ["Ärger-Öl_42", 'near-"quote"*_50%', "東京ユーザー", "ΣΊΣΥΦΟΣ-7", "a%b_c", "-minus NEAR(x)"];
  special.forEach((userId, k) =>
    rows.push({ id: `sxu${k}`, userId, agentId: "agent1", status: "active", lastActivityAt: new Date(now - k * 90_000), texts: ["plain"] }),
  );
  const prisma = await db();
  for (let start = 0; start < rows.length; start += 500) {
    const slice = rows.slice(start, start + 500);
    await prisma.sessionIndex.createMany({
      data: slice.map((r) => ({
        id: r.id,
        userId: r.userId,
        agentId: r.agentId,
        status: r.status,
        createdAt: new Date(now - 86_400_000),
        lastActivityAt: r.lastActivityAt,
        headSeq: 3,
      })),
    });
    await prisma.indexedMessage.createMany({
      data: slice.flatMap((r) => r.texts.map((body, k) => ({ sessionId: r.id, seq: k + 1, role: k % 2 ? "agent" : "user", body, at: new Date(now) }))),
    });
  }
});

// Words as the full-text index sees them: lower-cased, diacritics removed (unicode61 remove_diacritics 2).
const words = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .match(/[\p{L}\p{N}]+/gu) ?? [];
function textHit(r: Seeded, q: string): boolean {
  const terms = [...new Set(words(q))];
  return terms.length > 0 && r.texts.some((t) => terms.every((term) => words(t).some((w) => w.startsWith(term))));
}
function identityHit(r: Seeded, q: string): boolean {
  const [user, typed] = [r.userId.toLowerCase(), q.toLowerCase()];
  const userHit = [...q].length < 3 ? user.startsWith(typed) : user.includes(typed);
  return userHit || r.id === q;
}
const matches = (r: Seeded, q: string) => identityHit(r, q) || textHit(r, q);
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const orders: Record<string, (a: Seeded, b: Seeded) => number> = {
  "lastActivity.desc": (a, b) => cmp(b.lastActivityAt.getTime(), a.lastActivityAt.getTime()) || cmp(b.id, a.id),
  "user.asc": (a, b) => cmp(a.userId, b.userId) || cmp(a.id, b.id),
  "agent.desc": (a, b) => cmp(b.agentId, a.agentId) || cmp(b.lastActivityAt.getTime(), a.lastActivityAt.getTime()) || cmp(b.id, a.id),
};

describe("snippets", () => {
  it("marks every word a term starts, diacritics and case folded, around the first hit", () => {
    expect(snippetOf("Je voudrais un Remboursement, s'il vous plaît", ["rembours", "plait"])).toBe(
      `Je voudrais un ${HIT_START}Remboursement${HIT_END}, s'il vous ${HIT_START}plaît${HIT_END}`,
    );
    const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    expect(snippetOf(long, ["w20"])).toBe(`…w17 w18 w19 ${HIT_START}w20${HIT_END} w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31 w32…`);
    expect(matchesTerms("Café au lait", ["cafe", "LAI"])).toBe(true);
    expect(matchesTerms("Café au lait", ["cafe", "milk"])).toBe(false);
  });
});

describe("search results are exact both ways", () => {
  it("resolves a rare word to a list and a common one to a condition", async () => {
    expect((await resolveSearch("rare")).ids).not.toBeNull();
    const common = await resolveSearch("common");
    expect(common.ids).toBeNull();
    expect(common.atLeast).toBeGreaterThan(RESOLVE_SESSIONS);
  });

  const cases = ["common", "comm case", "rare", "parrot", "PARROT", "sx00042", "u0007", "nothing", "common rare", "hello"];
  const withFilters = new Set(cases);
  // Substrings from 3 characters, any case and script, with LIKE/FTS5 syntax as plain characters.
  cases.push("ärger", "RGER-ö", "京ユー", "ίσυφ", "_50%", '"quote"', "*_", "NEAR", "r(x", "-mi", "a%b", "%b_", "arrot10");
  // 1–2 characters: a prefix, in any case ("7" starts no user id, though many contain it).
  cases.push("u0", "P", "pa", "7", "東", "σί", "-", "%", '"');
  const extras = ["", "&status=active", "&agent=agent1"];
  // A search's own order (ADR 200), the default when q has words: sessions matched by user id or id first (by
  // activity), then those found by text alone, the most recently indexed matching message first. Messages were
  // inserted in the order of `rows`, so that is the reverse of `rows` here.
  const byMatch = (list: Seeded[], q: string) => {
    const identity = list.filter((r) => identityHit(r, q)).sort(orders["lastActivity.desc"]);
    const texts = list.filter((r) => !identityHit(r, q)).sort((a, b) => rows.indexOf(b) - rows.indexOf(a));
    return [...identity, ...texts];
  };
  for (const q of cases.filter((c) => words(c).length > 0)) {
    for (const extra of withFilters.has(q) ? extras : [""]) {
      it(`q=${q}${extra} in the search's own order: same rows, order and count as the reference`, async () => {
        const expected = byMatch(
          rows
            .filter((r) => matches(r, q))
            .filter((r) => !extra.includes("status") || r.status === "active")
            .filter((r) => !extra.includes("agent") || r.agentId === "agent1"),
          q,
        );
        for (const [page, sort] of [
          [1, ""],
          [3, ""],
          [2, "&sort=match.asc"],
        ] as const) {
          const url = new URL(`http://x/inbox?q=${encodeURIComponent(q)}${extra}${sort}&pageSize=25&page=${page}`);
          const order = sort ? [...expected].reverse() : expected;
          const result = await queryInbox(parseInboxParams(url), me);
          expect(result.rows.map((r) => r.id)).toEqual(order.slice((page - 1) * 25, page * 25).map((r) => r.id));
          expect(result.capped).toBe(expected.length > COUNT_CAP);
          expect(result.total).toBe(Math.min(expected.length, COUNT_CAP));
          for (const row of result.rows)
            expect(row.hit !== null, row.id).toBe(
              textHit(
                rows.find((x) => x.id === row.id)!,
                q,
              ),
            );
        }
      });
    }
  }
  for (const q of cases) {
    for (const extra of withFilters.has(q) ? extras : [""]) {
      for (const [sort, order] of Object.entries(orders)) {
        it(`q=${q}${extra} sorted by ${sort}: same rows, order and count as the reference`, async () => {
          const expected = rows
            .filter((r) => matches(r, q))
            .filter((r) => !extra.includes("status") || r.status === "active")
            .filter((r) => !extra.includes("agent") || r.agentId === "agent1")
            .sort(order);
          for (const page of [1, 3]) {
            const url = new URL(`http://x/inbox?q=${encodeURIComponent(q)}${extra}&sort=${sort}&pageSize=25&page=${page}`);
            const result = await queryInbox(parseInboxParams(url), me);
            expect(result.rows.map((r) => r.id)).toEqual(expected.slice((page - 1) * 25, page * 25).map((r) => r.id));
            expect(result.capped).toBe(expected.length > COUNT_CAP);
            expect(result.total).toBe(Math.min(expected.length, COUNT_CAP));
            for (const row of result.rows) {
              const r = rows.find((x) => x.id === row.id)!;
              const textHit = words(q).length > 0 && r.texts.some((t) => words(q).every((term) => words(t).some((w) => w.startsWith(term))));
              expect(row.hit !== null, row.id).toBe(textHit);
              if (textHit) {
                const newest = r.texts.findLastIndex((t) => words(q).every((term) => words(t).some((w) => w.startsWith(term))));
                expect(row.hit!.seq, row.id).toBe(newest + 1);
              }
            }
          }
        });
      }
    }
  }
});

// Last, so its sessions are not in the reference above. SQLite's FTS5 folds diacritics (remove_diacritics 2);
// PostgreSQL does it through unaccent (ADR 201): either spelling finds both, on both databases.
describe("diacritics", () => {
  beforeAll(async () => {
    const prisma = await db();
    const texts = { sxcafe1: "un café crème, s'il vous plaît", sxcafe2: "a cafe creme, s'il vous plait", sxcafe3: "ÉCOLE NAÏVE Ærø" };
    for (const [id, body] of Object.entries(texts)) {
      await prisma.sessionIndex.create({
        data: { id, userId: `diacritics-${id.slice(-1)}`, agentId: "agent1", status: "active", createdAt: new Date(), lastActivityAt: new Date(), headSeq: 1 },
      });
      await prisma.indexedMessage.create({ data: { sessionId: id, seq: 1, role: "user", body, at: new Date() } });
    }
  });
  const found = async (q: string) =>
    (await queryInbox(parseInboxParams(new URL(`http://x/inbox?q=${encodeURIComponent(q)}`)), me)).rows.map((r) => r.id).sort();
  it.each(["café", "cafe", "CAFÉ crème", "creme plait", "cafe plaît"])("%s finds the session written with and without accents", async (q) => {
    expect(await found(q)).toEqual(["sxcafe1", "sxcafe2"]);
  });
  it("folds capitals with accents and both ways at once", async () => {
    expect(await found("ecole naive")).toEqual(["sxcafe3"]);
    expect(await found("École naïve")).toEqual(["sxcafe3"]);
  });
});
