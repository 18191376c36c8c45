// The admin scores page's forms (ADR 190): a score's definition (create, or save as its next version) and
// retire, one schema each, shared by the action and the page. Browser-safe: no server imports.
import { z } from "zod";

const num = z.preprocess((v) => (v === "" || v === undefined || v === null ? undefined : v), z.coerce.number().finite().optional());
const toList = (value: unknown) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : String(value).split(/\r?\n|,/));

export const SCORE_KEY_MAX = 40;

const ScoreKey = z
  .string({ message: "Give the score a key." })
  .trim()
  .toLowerCase()
  .max(SCORE_KEY_MAX, `At most ${SCORE_KEY_MAX} characters.`)
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "Lower-case letters, digits and _, starting with a letter (at most 40).");

const ScoreFields = z.object({
  key: ScoreKey,
  kind: z.enum(["numeric", "categorical", "boolean"], { message: "Pick numeric, categorical or boolean." }),
  label: z.string({ message: "Give the score a label." }).trim().min(1, "Give the score a label.").max(60, "At most 60 characters."),
  description: z.string().trim().max(500, "At most 500 characters.").default(""),
  rubric: z.string().trim().max(4000, "At most 4,000 characters.").default(""),
  min: num,
  max: num,
  step: num,
  options: z.preprocess(
    toList,
    z.array(z.string().trim()).transform((a) => [...new Set(a.filter(Boolean))]),
  ),
  required: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
});

function checkScoreFields(c: z.output<typeof ScoreFields>, ctx: z.RefinementCtx) {
  if (c.kind === "numeric") {
    if (c.min === undefined) ctx.addIssue({ code: "custom", path: ["min"], message: "A numeric score needs a minimum." });
    if (c.max === undefined) ctx.addIssue({ code: "custom", path: ["max"], message: "A numeric score needs a maximum." });
    if (c.min !== undefined && c.max !== undefined && c.min >= c.max)
      ctx.addIssue({ code: "custom", path: ["max"], message: "The maximum must be above the minimum." });
    if (c.step !== undefined && c.step <= 0) ctx.addIssue({ code: "custom", path: ["step"], message: "The step must be above 0." });
    if (c.step !== undefined && c.min !== undefined && c.max !== undefined && c.step > c.max - c.min)
      ctx.addIssue({ code: "custom", path: ["step"], message: "The step is larger than the range." });
  }
  if (c.kind === "categorical") {
    if (c.options.length < 2) ctx.addIssue({ code: "custom", path: ["options"], message: "A categorical score needs at least two options." });
    if (c.options.length > 20) ctx.addIssue({ code: "custom", path: ["options"], message: "At most 20 options." });
    if (c.options.some((o) => o.length > 40)) ctx.addIssue({ code: "custom", path: ["options"], message: "Options are at most 40 characters." });
  }
}

/** A score's definition as the service takes it (tests and seeds parse with it too). */
export const ScoreConfigFormSchema = ScoreFields.superRefine(checkScoreFields);
export type ScoreConfigInput = z.output<typeof ScoreConfigFormSchema>;

/** The page's create form (`create`) and each score's edit form (`edit`: saves its next version). */
export const SaveScoreFormSchema = ScoreFields.extend({ intent: z.enum(["create", "edit"]) }).superRefine(checkScoreFields);

export const RetireScoreFormSchema = z.object({ intent: z.literal("retire"), key: ScoreKey });

export const ScoreIntentSchema = z.object({ intent: z.enum(["create", "edit", "retire"], { message: "Unknown action." }) });
