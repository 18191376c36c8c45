// The bound on what one message may cost once it leaves FleetLM: every loader, the live feed and the browser
// hand on at most MESSAGE_BOUNDS of any message's content and metadata. The end user controls every field of a
// message, so a megabyte of text or 2,000 levels of nesting must cost no more than a normal reply (ADR 085).
// What is cut is listed in `omitted`, so the page can say so and fetch the whole message on demand.
// Shared by server and browser code; iterative, so no depth can overflow the stack.

export const MESSAGE_BOUNDS = {
  /** Levels of nesting kept (the message's content object is level 1); deeper values are summarised. */
  depth: 24,
  /** Characters kept of any one string. */
  stringChars: 20_000,
  /** Characters kept across all strings of one message; past it, strings are cut to what remains. */
  totalChars: 60_000,
  /** Items kept of any one array, keys of any one object. */
  items: 200,
  /** Values kept in all (objects, arrays, strings, numbers...); past it, containers are summarised. */
  nodes: 2_000,
} as const;

export type Bounds = { depth: number; stringChars: number; totalChars: number; items: number; nodes: number };

/** Metadata is shown in a few fields only (termination, latency): it gets tighter bounds. */
export const METADATA_BOUNDS: Bounds = { depth: 8, stringChars: 2_000, totalChars: 8_000, items: 50, nodes: 300 };

/** Cuts listed per message (the rest are cut all the same). */
const MAX_OMISSIONS = 100;

/** Strings this short are always kept whole (part types, ids), whatever the total budget says. */
const SHORT_STRING = 100;

/**
 * One cut: `path` is a JSON-pointer-like list of keys from the bounded value's root.
 * - `text`: a string cut to its first `kept` of `chars` characters.
 * - `depth`: a value below the depth bound, replaced by an OmittedValue summary.
 * - `items`: an array or object cut to its first `kept` of `count` items (the items bound, or the node budget).
 */
export type Omission =
  | { path: (string | number)[]; kind: "text"; chars: number; kept: number }
  | { path: (string | number)[]; kind: "depth"; chars: number }
  | { path: (string | number)[]; kind: "items"; count: number; kept: number };

/** What stands in place of a value cut for depth. */
export type OmittedValue = { "…omitted": string };
export const OMITTED_KEY = "…omitted";

export type BoundResult<T> = { value: T; omitted: Omission[] };

/** The `omitted` of every value that fits (most of them): one frozen empty list, not one per message. */
const NOTHING_OMITTED = Object.freeze([]) as unknown as Omission[];

/** Nodes `measure` looks at before it gives an estimate ("at least"). */
const MEASURE_NODES = 50_000;

/** Approximate JSON size of a value (characters), walked iteratively with a node budget. */
export function measure(value: unknown): { chars: number; exact: boolean } {
  const stack: unknown[] = [value];
  let chars = 0;
  let nodes = 0;
  while (stack.length > 0) {
    if (++nodes > MEASURE_NODES) return { chars, exact: false };
    const v = stack.pop();
    if (typeof v === "string") chars += v.length + 2;
    else if (Array.isArray(v)) {
      chars += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v && typeof v === "object") {
      const keys = Object.keys(v);
      chars += 2;
      for (const key of keys) {
        chars += key.length + 4;
        stack.push((v as Record<string, unknown>)[key]);
      }
    } else chars += String(v).length;
  }
  return { chars, exact: true };
}

const formatChars = (n: number) =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : n >= 10_000 ? `${Math.round(n / 1_000)} KB` : `${n.toLocaleString("en")} characters`;

function summary(value: unknown): { node: OmittedValue; chars: number } {
  const { chars, exact } = measure(value);
  const what = Array.isArray(value) ? "a list" : "an object";
  return { node: { [OMITTED_KEY]: `${what} too large or nested too deeply to show here (${exact ? "" : "over "}${formatChars(chars)})` }, chars };
}

/**
 * A copy of `value` within `bounds`, and what was cut. Values that are already within bounds come back
 * equal (a new object tree; inputs are never mutated). Non-JSON values (undefined, functions) are dropped
 * as JSON.stringify would drop them.
 */
export function boundValue<T>(value: T, bounds: Bounds = MESSAGE_BOUNDS): BoundResult<T> {
  // Nearly every message is within bounds: one walk that allocates nothing says so, and the value goes on as it is.
  if (value && typeof value === "object" && fitsWithin(value, bounds)) return { value, omitted: NOTHING_OMITTED };
  const omitted: Omission[] = [];
  let budget = bounds.totalChars;
  let nodes = 0;
  const cutString = (s: string, path: (string | number)[]) => {
    const keep = Math.min(bounds.stringChars, Math.max(SHORT_STRING, budget));
    if (s.length <= keep) {
      budget -= s.length;
      return s;
    }
    budget -= keep;
    omitted.push({ path, kind: "text", chars: s.length, kept: keep });
    return s.slice(0, keep);
  };
  if (typeof value === "string") return { value: cutString(value, []) as T, omitted };
  if (!value || typeof value !== "object") return { value, omitted };

  const root: unknown = Array.isArray(value) ? [] : {};
  // Each frame copies one container into its already-created copy.
  const stack: { source: object; target: Record<string, unknown> | unknown[]; path: (string | number)[] }[] = [
    { source: value as object, target: root as Record<string, unknown>, path: [] },
  ];
  while (stack.length > 0) {
    const { source, target, path } = stack.pop()!;
    const depth = path.length + 1;
    const children: typeof stack = [];
    const keys: (string | number)[] = Array.isArray(source) ? Array.from({ length: Math.min(source.length, bounds.items) }, (_, i) => i) : Object.keys(source);
    const count = Array.isArray(source) ? source.length : keys.length;
    if (count > bounds.items) omitted.push({ path, kind: "items", count, kept: bounds.items });
    const kept = keys.slice(0, bounds.items);
    for (let index = 0; index < kept.length; index++) {
      const key = kept[index]!;
      if (nodes >= bounds.nodes) {
        // The message's node budget is spent: the rest of this container (and of any still queued) is cut.
        if (count <= bounds.items) omitted.push({ path, kind: "items", count, kept: index });
        break;
      }
      const child = (source as Record<string | number, unknown>)[key];
      const childPath = [...path, key];
      nodes += 1;
      let copy: unknown;
      if (typeof child === "string") copy = cutString(child, childPath);
      else if (child === null || typeof child === "number" || typeof child === "boolean") copy = child;
      else if (typeof child === "object") {
        if (depth >= bounds.depth) {
          const { node, chars } = summary(child);
          omitted.push({ path: childPath, kind: "depth", chars });
          copy = node;
        } else {
          copy = Array.isArray(child) ? [] : {};
          children.push({ source: child, target: copy as Record<string, unknown>, path: childPath });
        }
      } else if (Array.isArray(target))
        copy = null; // JSON.stringify's own rule for arrays
      else continue;
      if (Array.isArray(target)) target.push(copy);
      // defineProperty, not assignment: a "__proto__" key from FleetLM stays a plain key.
      else Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
    // Reversed, so the first child is copied next: the text budget goes to what comes first in the message.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  omitted.sort((a, b) => comparePaths(a.path, b.path));
  // The list travels with the message: a few hundred cuts say as much as a few thousand.
  return { value: root as T, omitted: omitted.slice(0, MAX_OMISSIONS) };
}

/**
 * Whether boundValue would cut nothing from `value` (a conservative test: when it says no, the full walk decides).
 * Every container within the items bound and the depth bound, the node budget unspent, every string within
 * the per-string bound and all of them within the total, and only JSON values: plain objects and arrays (what
 * JSON.parse makes), so a value it accepts can be handed on without a copy.
 */
function fitsWithin(value: object, bounds: Bounds): boolean {
  // Every page runs this twice per message (content and metadata): the stack is reused, so a message that
  // fits costs no allocation beyond the key lists.
  const values = fitStackValues;
  const depths = fitStackDepths;
  let top = 0;
  values[top] = value;
  depths[top++] = 1;
  let nodes = 0;
  let chars = 0;
  let fits = true;
  let high = top; // the stack's high-water mark in this call
  while (fits && top > 0) {
    const v = values[--top]!;
    const depth = depths[top]!;
    const array = Array.isArray(v);
    if (!array && !isPlainObject(v)) {
      fits = false;
      break;
    }
    const keys = array ? null : Object.keys(v);
    const count = array ? v.length : keys!.length;
    nodes += count;
    if (count > bounds.items || nodes > bounds.nodes) {
      fits = false;
      break;
    }
    for (let i = 0; i < count; i++) {
      const child: unknown = array ? v[i] : (v as Record<string, unknown>)[keys![i]!];
      if (typeof child === "string") {
        chars += child.length;
        if (child.length > bounds.stringChars || chars > bounds.totalChars) fits = false;
      } else if (typeof child === "object" && child !== null) {
        if (depth >= bounds.depth) fits = false;
        values[top] = child;
        depths[top++] = depth + 1;
        if (top > high) high = top;
      } else if (typeof child !== "number" && typeof child !== "boolean" && child !== null) fits = false;
      if (!fits) break;
    }
  }
  // Nothing of the message stays reachable from the module.
  for (let i = 0; i < high; i++) values[i] = RELEASED;
  return fits;
}
const fitStackValues: object[] = [];
const fitStackDepths: number[] = [];
const RELEASED = {};

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function comparePaths(a: (string | number)[], b: (string | number)[]) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === "number" && typeof b[i] === "number") return (a[i] as number) - (b[i] as number);
    return String(a[i]) < String(b[i]) ? -1 : 1;
  }
  return a.length - b.length;
}

/** The omission at exactly this path (a cut string, say), if any. */
export function omissionAt(omitted: readonly Omission[] | undefined, path: (string | number)[]): Omission | undefined {
  return omitted?.find((o) => o.path.length === path.length && o.path.every((k, i) => String(k) === String(path[i])));
}

/** The value at `path` in a message's full content (the "show all" fetch). */
export function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const key of path) {
    if (!v || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key as string];
  }
  return v;
}

export type MessageOmissions = { content: Omission[]; metadata: Omission[] };

/** Content and metadata of one message within their bounds; `omitted` is null when nothing was cut. */
export function boundMessageBody(
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
): { content: Record<string, unknown>; metadata: Record<string, unknown>; omitted: MessageOmissions | null } {
  const c = boundValue(content ?? {}, MESSAGE_BOUNDS);
  const m = boundValue(metadata ?? {}, METADATA_BOUNDS);
  return { content: c.value, metadata: m.value, omitted: c.omitted.length || m.omitted.length ? { content: c.omitted, metadata: m.omitted } : null };
}

/** A string within `chars` (the review context, previews): the kept text and how long the whole was. */
export function boundText(text: string, chars: number = MESSAGE_BOUNDS.stringChars): { text: string; fullLength: number | null } {
  return text.length <= chars ? { text, fullLength: null } : { text: text.slice(0, chars), fullLength: text.length };
}
