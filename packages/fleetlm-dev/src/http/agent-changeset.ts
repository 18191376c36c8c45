// Agent validation with Ecto's casting and messages (§1.5, §3.8), so clients see FleetLM's exact errors.
import type { AgentRow } from "../store/types.js";
import { isPlainObject } from "./params.js";

type Caster = (value: unknown) => { ok: true; value: unknown } | { ok: false };
type Check = (value: never) => string | null;

interface FieldSpec {
  cast: Caster;
  /** nil (or "" for strings) is "can't be blank" */
  required: boolean;
  checks?: Check[];
}

const ok = (value: unknown) => ({ ok: true as const, value });
const bad = { ok: false as const };

const castString: Caster = (v) => (typeof v === "string" ? ok(v === "" ? null : v) : bad);
const castInteger: Caster = (v) => {
  // FleetLM stores these in 32-bit integer columns; anything bigger cannot be stored.
  const inRange = (n: number) => Number.isSafeInteger(n) && Math.abs(n) <= 2_147_483_647;
  if (typeof v === "number") return inRange(v) ? ok(v) : bad;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v)) {
    const n = Number(v);
    return inRange(n) ? ok(n) : bad;
  }
  return bad;
};
const castFloat: Caster = (v) => {
  if (typeof v === "number") return ok(v);
  if (typeof v === "string" && /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return ok(Number(v));
  return bad;
};
const castBoolean: Caster = (v) => {
  if (typeof v === "boolean") return ok(v);
  if (v === "true" || v === "1") return ok(true);
  if (v === "false" || v === "0") return ok(false);
  return bad;
};
const castMap: Caster = (v) => (isPlainObject(v) ? ok(v) : bad);
const castEnum = (): Caster => castString;

const oneOf =
  (...allowed: string[]) =>
  (v: string) =>
    allowed.includes(v) ? null : "is invalid";
const greaterThan0 = (v: number) => (v > 0 ? null : "must be greater than 0");
const atLeast0 = (v: number) => (v >= 0 ? null : "must be greater than or equal to 0");
const atMost1 = (v: number) => (v <= 1 ? null : "must be less than or equal to 1");

const FIELDS: Record<string, FieldSpec> = {
  id: { cast: castString, required: true },
  name: { cast: castString, required: true },
  origin_url: { cast: castString, required: true },
  webhook_path: { cast: castString, required: true },
  message_history_mode: { cast: castEnum(), required: true, checks: [oneOf("tail", "entire", "last") as Check] },
  // Nullable columns in FleetLM (create_agents.exs has no `null: false` on these): null is stored and returned.
  message_history_limit: { cast: castInteger, required: false, checks: [greaterThan0 as Check] },
  timeout_ms: { cast: castInteger, required: true, checks: [greaterThan0 as Check] },
  headers: { cast: castMap, required: false },
  status: { cast: castEnum(), required: true, checks: [oneOf("enabled", "disabled") as Check] },
  debounce_window_ms: { cast: castInteger, required: true, checks: [atLeast0 as Check] },
  compaction_enabled: { cast: castBoolean, required: true },
  compaction_token_budget: { cast: castInteger, required: true, checks: [greaterThan0 as Check] },
  compaction_trigger_ratio: { cast: castFloat, required: true, checks: [greaterThan0 as Check, atMost1 as Check] },
  compaction_webhook_url: { cast: castString, required: false },
};

export const AGENT_DEFAULTS = {
  webhook_path: "/webhook",
  message_history_mode: "tail",
  message_history_limit: 50,
  timeout_ms: 30000,
  headers: {},
  status: "enabled",
  debounce_window_ms: 500,
  compaction_enabled: false,
  compaction_token_budget: 50000,
  compaction_trigger_ratio: 0.7,
  compaction_webhook_url: null,
} as const;

export type AgentErrors = Record<string, string[]>;

export type ChangesetResult = { ok: true; agent: Omit<AgentRow, "inserted_at" | "updated_at">; changed: boolean } | { ok: false; errors: AgentErrors };

/**
 * Casts `attrs` over `base` (the stored agent, or the defaults for a create) and validates the result.
 * Unknown keys are ignored, like Ecto's cast with a permitted list.
 */
export function agentChangeset(base: Partial<AgentRow>, attrs: Record<string, unknown>): ChangesetResult {
  const errors: AgentErrors = {};
  const merged: Record<string, unknown> = { ...AGENT_DEFAULTS, ...base };
  let changed = false;
  for (const [field, spec] of Object.entries(FIELDS)) {
    if (!(field in attrs)) continue;
    const raw = attrs[field];
    if (raw === null) {
      if (merged[field] !== null) changed = true;
      merged[field] = null;
      continue;
    }
    const cast = spec.cast(raw);
    if (!cast.ok) {
      errors[field] = ["is invalid"];
      continue;
    }
    if (JSON.stringify(merged[field]) !== JSON.stringify(cast.value)) changed = true;
    merged[field] = cast.value;
  }
  for (const [field, spec] of Object.entries(FIELDS)) {
    if (errors[field]) continue;
    const value = merged[field];
    if (value === null || value === undefined) {
      if (spec.required) errors[field] = ["can't be blank"];
      continue;
    }
    for (const check of spec.checks ?? []) {
      const message = (check as (v: unknown) => string | null)(value);
      if (message) (errors[field] ??= []).push(message);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, agent: merged as unknown as Omit<AgentRow, "inserted_at" | "updated_at">, changed };
}
