// The snippet a search result shows: a few words of the matching message around its first hit, each word the
// query's terms start marked with HIT_START/HIT_END. Computed here from the stored text rather than by the
// database (FTS5 `snippet()` needs a full-text cursor of its own, one more evaluation of the query per page;
// ADR 151), the same on SQLite and PostgreSQL. Words and folding follow the index's tokenizer (unicode61 with
// diacritics removed, lower case): runs of letters and digits.
export const HIT_START = "\u0001";
export const HIT_END = "\u0002";
/** Words shown around the first hit, as FTS5's snippet(…, 16) did. */
const WINDOW = 16;
const BEFORE = 3;

const fold = (word: string) =>
  word
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();

/** Whether every term starts a word of the text: the full-text query's own rule (all terms, each a word prefix). */
export function matchesTerms(body: string, terms: string[]): boolean {
  const words = (body.match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);
  return terms.map(fold).every((t) => words.some((w) => w.startsWith(t)));
}

export function snippetOf(body: string, terms: string[]): string {
  const folded = terms.map(fold).filter(Boolean);
  const words = [...body.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, hit: false }));
  for (const w of words) {
    const text = fold(body.slice(w.start, w.end));
    w.hit = folded.some((t) => text.startsWith(t));
  }
  if (words.length === 0) return body.slice(0, 200);
  const first = Math.max(
    0,
    words.findIndex((w) => w.hit),
  );
  const from = Math.max(0, Math.min(first - BEFORE, words.length - WINDOW));
  const shown = words.slice(from, from + WINDOW);
  let out = from > 0 ? "…" : "";
  let at = from > 0 ? shown[0]!.start : 0;
  for (const w of shown) {
    out += body.slice(at, w.start);
    const word = body.slice(w.start, w.end);
    out += w.hit ? `${HIT_START}${word}${HIT_END}` : word;
    at = w.end;
  }
  const last = shown[shown.length - 1]!;
  out += from + WINDOW < words.length ? "…" : body.slice(last.end);
  return out;
}
