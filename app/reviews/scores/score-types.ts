// Score configurations as the browser and server share them, and the one function that checks a submitted
// value against its config (type, range, step, option). Pure: no server imports.
export type ScoreKind = "numeric" | "categorical" | "boolean";

export type ScoreConfigView = {
  id: string;
  key: string;
  version: number;
  kind: ScoreKind;
  label: string;
  description: string;
  rubric: string;
  min: number | null;
  max: number | null;
  step: number | null;
  options: string[];
  required: boolean;
};

export type ScoreCheck = { ok: true; value: string } | { ok: false; message: string };

// Floating steps (0.1) are compared with a tolerance: 0.3 / 0.1 is not an integer in binary.
const onStep = (value: number, min: number, step: number) => {
  const n = (value - min) / step;
  return Math.abs(n - Math.round(n)) < 1e-9;
};

/** The canonical text of a valid value ("4", "0.5", "polite", "true"), or why it is not valid. */
export function checkScore(config: ScoreConfigView, raw: string | undefined | null): ScoreCheck {
  const text = (raw ?? "").trim();
  if (text === "") return config.required ? { ok: false, message: `${config.label} is required.` } : { ok: true, value: "" };
  switch (config.kind) {
    case "numeric": {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false, message: `${config.label} must be a number.` };
      const value = Number(text);
      if (config.min !== null && value < config.min) return { ok: false, message: `${config.label} must be at least ${config.min}.` };
      if (config.max !== null && value > config.max) return { ok: false, message: `${config.label} must be at most ${config.max}.` };
      if (config.step !== null && !onStep(value, config.min ?? 0, config.step))
        return { ok: false, message: `${config.label} goes in steps of ${config.step}.` };
      return { ok: true, value: String(value) };
    }
    case "categorical":
      return config.options.includes(text)
        ? { ok: true, value: text }
        : { ok: false, message: `${config.label} must be one of: ${config.options.join(", ")}.` };
    case "boolean":
      if (text === "true" || text === "yes" || text === "1") return { ok: true, value: "true" };
      if (text === "false" || text === "no" || text === "0") return { ok: true, value: "false" };
      return { ok: false, message: `${config.label} must be yes or no.` };
  }
}

/** The field name a score travels under in forms and error maps. */
export const scoreField = (key: string) => `score.${key}`;

export type ScoreValues = Record<string, { configId: string; version: number; value: string }>;

/**
 * Checks every config's value in `raw` (keyed by config key). Unknown keys are refused too, so a form cannot
 * slip in a score the queue does not ask for. Errors are keyed by `score.<key>` so the field is named.
 */
export function checkScores(
  configs: ScoreConfigView[],
  raw: Record<string, string | undefined>,
): { ok: true; values: ScoreValues } | { ok: false; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const values: ScoreValues = {};
  for (const config of configs) {
    const result = checkScore(config, raw[config.key]);
    if (!result.ok) errors[scoreField(config.key)] = [result.message];
    else if (result.value !== "") values[config.key] = { configId: config.id, version: config.version, value: result.value };
  }
  for (const key of Object.keys(raw)) if (!configs.some((c) => c.key === key)) errors[scoreField(key)] = [`“${key}” is not a score of this queue.`];
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values };
}
