// The hostile values and request shapes the bad-input table is made of.
import { randomUUID } from "node:crypto";

export const SCRIPT = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
export const SQL = `'; DROP TABLE "Operator"; --`;
export const UNICODE = "nul\u0000 bom\uFEFF rtl\u202E lone\uD800 zwj\u200D 𝕏 e\u0301 \uFFFF";
export const LONG = "x".repeat(10_000);
export const NUMBERS = "-1";

/** Field values every field gets in turn. */
export const FIELD_VARIANTS: Record<string, string | string[]> = {
  script: SCRIPT,
  sql: SQL,
  unicode: UNICODE,
  long10k: LONG,
  empty: "",
  negative: NUMBERS,
  huge: "99999999999999999999999",
  float: "1e309",
  nan: "NaN",
  duplicated: ["a", "b"],
  pollution: "__proto__",
};

/** Intents no route accepts. */
export const WRONG_INTENTS = ["", "nope", "__proto__", "constructor", SCRIPT, LONG];

/** A value most schemas accept for a field of this name, carrying hostile text where free text is allowed. */
export function plausible(field: string, ctx: { sessionId: string; seq: number }): string {
  const f = field.toLowerCase();
  if (f === "sessionid") return ctx.sessionId;
  if (f.includes("seq")) return String(ctx.seq);
  if (f.includes("clientid") || f.includes("clientmessageid")) return randomUUID();
  if (f.endsWith("id")) return randomUUID().replace(/-/g, "").slice(0, 24);
  if (f.includes("email")) return `hostile-${randomUUID().slice(0, 6)}@example.test`;
  if (f.includes("password") || f === "current") return "correct horse battery staple 1";
  if (f === "rating") return "good";
  if (f === "role") return "operator";
  if (f === "theme") return "dark";
  if (f.includes("url")) return "javascript:alert(1)";
  if (f.includes("redirect")) return "//evil.example/steal";
  if (f === "hotkey") return "q";
  if (f === "labels") return SCRIPT.slice(0, 30);
  if (f.includes("minutes") || f.includes("page") || f.includes("size") || f.includes("limit")) return "1";
  return `${SCRIPT} ${SQL} ${UNICODE}`;
}

export function urlencoded(entries: Array<[string, string]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of entries) params.append(k, v);
  return params.toString();
}

/** Whole-body shapes that do not depend on the route's fields. */
export function bodyShapes(firstIntent: string | undefined): Array<{ label: string; body: BodyInit | null; contentType: string | null; method?: string }> {
  const intent = firstIntent ?? "x";
  const boundary = "----hostile";
  return [
    { label: "no body", body: null, contentType: null },
    {
      label: "1 MB urlencoded body",
      body: urlencoded([
        ["intent", intent],
        ["body", "y".repeat(1024 * 1024)],
      ]),
      contentType: "application/x-www-form-urlencoded",
    },
    {
      label: "1 MB without content-length hint (chunks)",
      body: new Blob(["intent=" + encodeURIComponent(intent) + "&body=" + "z".repeat(1024 * 1024)]).stream(),
      contentType: "application/x-www-form-urlencoded",
    },
    {
      label: "5,000 repeated keys",
      body: Array.from({ length: 5_000 }, (_, i) => `k${i % 7}=${i}`).join("&") + `&intent=${encodeURIComponent(intent)}`,
      contentType: "application/x-www-form-urlencoded",
    },
    {
      label: "prototype pollution keys",
      body: `intent=${encodeURIComponent(intent)}&__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x&toString=1&hasOwnProperty=1`,
      contentType: "application/x-www-form-urlencoded",
    },
    { label: "bad percent encoding", body: "intent=%E0%A4%A&body=%ZZ%&=%", contentType: "application/x-www-form-urlencoded" },
    {
      label: "JSON body with __proto__",
      body: `{"intent":${JSON.stringify(intent)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
      contentType: "application/json",
    },
    { label: "truncated JSON", body: `{"intent":"${intent}","body":"unterminated`, contentType: "application/json" },
    { label: "text/plain garbage", body: "\u0000\u0001\u0002 not a form at all \uFFFD", contentType: "text/plain" },
    { label: "binary without content type", body: new Uint8Array([0, 159, 146, 150, 255, 0, 1, 2]), contentType: null },
    {
      label: "multipart with a broken boundary",
      body: `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\n${intent}\r\n--${boundary}`,
      contentType: `multipart/form-data; boundary=${boundary}`,
    },
    { label: "multipart without boundary", body: "intent=x", contentType: "multipart/form-data" },
    {
      label: "multipart with a file upload",
      body: `--${boundary}\r\nContent-Disposition: form-data; name="body"; filename="../../etc/passwd"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001\r\n--${boundary}--\r\n`,
      contentType: `multipart/form-data; boundary=${boundary}`,
    },
    { label: "PUT", body: urlencoded([["intent", intent]]), contentType: "application/x-www-form-urlencoded", method: "PUT" },
    { label: "PATCH", body: urlencoded([["intent", intent]]), contentType: "application/x-www-form-urlencoded", method: "PATCH" },
    { label: "DELETE", body: null, contentType: null, method: "DELETE" },
  ];
}

/** Query strings for loaders. */
export function queryShapes(fields: string[]): Array<{ label: string; query: string }> {
  const names = [
    ...new Set([
      "q",
      "page",
      "pageSize",
      "size",
      "sort",
      "order",
      "filter",
      "status",
      "before",
      "after",
      "seq",
      "context",
      "watch",
      "redirectTo",
      "from",
      "to",
      "agent",
      "label",
      "cursor",
      "lastEventId",
      ...fields,
    ]),
  ];
  // URLSearchParams (not encodeURIComponent) so lone surrogates become U+FFFD as a browser would send them.
  const all = (value: string) => new URLSearchParams(names.map((n) => [n, value])).toString();
  return [
    { label: "script in every parameter", query: all(SCRIPT) },
    { label: "SQL in every parameter", query: all(SQL) },
    { label: "unicode/NUL in every parameter", query: all(UNICODE) },
    { label: "negative numbers", query: all("-1") },
    { label: "huge numbers", query: all("99999999999999999999999") },
    { label: "NaN/Infinity", query: all("NaN") + "&" + names.map((n) => `${n}=Infinity`).join("&") },
    {
      label: "10,000-char values",
      query: names
        .slice(0, 6)
        .map((n) => `${n}=${"q".repeat(10_000)}`)
        .join("&"),
    },
    { label: "repeated parameters", query: names.map((n) => `${n}=1&${n}=2&${n}[]=3`).join("&") },
    { label: "prototype pollution", query: "__proto__[polluted]=1&constructor[prototype][polluted]=1&sort=__proto__&filter=constructor" },
    { label: "bad percent encoding", query: "q=%E0%A4%A&page=%ZZ" },
    // Valid values that open the deep paths (a review's context reads the messages before the reply).
    { label: "plausible context", query: "context=20" },
    ...REDIRECT_TARGETS.map((target) => ({ label: `redirectTo=${target}`, query: `redirectTo=${target}` })),
    ...BAD_DAYS.map((day) => ({
      label: `dates ${day}`,
      query: ["from", "to", ...fields.filter((f) => /^(from|to|since|until|day|date)$/i.test(f))].map((n) => `${n}=${day}`).join("&"),
    })),
  ];
}

/**
 * `redirectTo` values a browser would follow off-site if passed through as they are (it strips TAB/CR/LF and
 * reads "\\" as "/"), and ones that are not ASCII or are bad percent-encoding (a Location header must be
 * ASCII). Raw query text, so `%09` arrives as a TAB.
 */
export const REDIRECT_TARGETS = [
  "%2F%09%2Fevil.test",
  "/%09/evil.test",
  "/%0A/evil.test",
  "/%0D%0A/evil.test",
  "%2F%5Cevil.test",
  "/.//evil.test",
  "//evil.test",
  "https://evil.test/",
  "javascript:alert(1)",
  "/inbox%0D%0ASet-Cookie:%20planted=1",
  "/%C3%A9t%C3%A9?q=%E2%98%83",
  "/%E9",
  "/%F0%9F",
  "%2F%00%2Fevil.test",
];

/** Referer headers of actions: off-site ones that look local, and ones that are not URLs at all. */
export const BAD_REFERERS = [
  "//evil.test/x",
  "https://evil.test/inbox",
  "http://console.test//evil.test/x",
  "http://[",
  "not a url",
  "http://%zz/",
  "/\t/evil.test",
  "http://console.test/\u00e9",
];

/** Days with the right shape that are not days. */
export const BAD_DAYS = ["2025-13-01", "2025-02-30", "2023-02-29", "0000-00-00", "9999-99-99"];

/**
 * Values for a route param, the real one first. `hostile` is a session whose end user posted the messages of
 * tests/support/hostile-messages.ts (a megabyte of markdown as kind "assistant", 2,000-level content and
 * metadata, forged operator metadata), and their seqs.
 */
export function paramValues(name: string, real: { sessionId: string; seq: number; hostile?: { sessionId: string; seqs: number[] } }): string[] {
  if (/seq/i.test(name)) return [String(real.seq), ...(real.hostile?.seqs.map(String) ?? []), "999999", "0", "-1", "abc", "1e400", "9007199254740993"];
  if (name === "*") return ["no/such/page", SCRIPT];
  return [real.sessionId, ...(real.hostile ? [real.hostile.sessionId] : []), randomUUID(), LONG, "..%2F..%2Fetc%2Fpasswd", SCRIPT, "\u0000", SQL, "__proto__"];
}
