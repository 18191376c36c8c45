// Forms with conform (ADR 190): one zod schema per form, parsed the same way by the action (authoritative) and
// by the browser (on blur, before sending), so a field's error and its limits come from one place.
import { useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";

/**
 * Parses a form with its schema. The schemas were written for what a browser sends (strings, absent boxes), so
 * conform's own coercion (empty text to undefined, "on" to true) stays off and both sides read the same values.
 */
export function parseSubmission<S extends z.ZodType>(formData: FormData | URLSearchParams, schema: S) {
  return parseWithZod(formData, { schema, disableAutoCoercion: true });
}

const ANYTHING = z.looseObject({});

type Constraint = ReturnType<typeof getZodConstraint>[string];

/** The length or value limits of one field's schema, through optional/default/transform wrappers. */
function limitsOf(schema: z.ZodType): Partial<Constraint> {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.innerType && ["optional", "nullable", "default", "readonly"].includes(def.type)) return limitsOf(def.innerType);
  if (def.type === "pipe" && def.in) return limitsOf(def.in);
  if (def.type === "string") {
    const text = schema as z.ZodString;
    return { minLength: text.minLength ?? undefined, maxLength: text.maxLength ?? undefined };
  }
  if (def.type === "number") {
    const number = schema as z.ZodNumber;
    return {
      min: Number.isFinite(number.minValue) ? (number.minValue ?? undefined) : undefined,
      max: Number.isFinite(number.maxValue) ? (number.maxValue ?? undefined) : undefined,
    };
  }
  return {};
}

/**
 * The input attributes a form's schema implies (required, minLength, maxLength, min, max). conform's
 * getZodConstraint reads the lengths from zod internals that zod 4.6 no longer fills, so they are added here from
 * zod's public `minLength`/`maxLength`/`minValue`/`maxValue`.
 */
export function schemaConstraint(schema: z.ZodObject): Record<string, Constraint> {
  // conform's answer is read field by field into a plain object (it may be a resolving proxy that ignores writes).
  const fromConform = getZodConstraint(schema);
  const constraint: Record<string, Constraint> = {};
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const limits = Object.fromEntries(Object.entries(limitsOf(field)).filter(([, value]) => value !== undefined));
    // Required means exactly what the schema says: an absent field is refused.
    constraint[name] = { ...fromConform[name], ...limits, required: !field.safeParse(undefined).success };
  }
  return constraint;
}

/** Whether a field's value must never be sent back to the browser (it is a password). */
export function isSecretField(name: string) {
  return name === "password" || name === "current" || /^new[A-Z]/.test(name);
}

type Result = SubmissionResult<string[]> | null | undefined;

/**
 * The action's last result, for the one form on the page that sent it: a page has several forms posting to one
 * action, told apart by their hidden fields (`intent`, a row's `id`).
 */
export function resultFor(result: unknown, match: Record<string, string>): SubmissionResult<string[]> | undefined {
  const value = result as Result;
  if (!value || typeof value !== "object" || !("status" in value)) return undefined;
  const sent = (value.initialValue ?? {}) as Record<string, unknown>;
  return Object.entries(match).every(([key, expected]) => sent[key] === expected) ? value : undefined;
}

/** The form-level errors of a result (conform keeps them under the empty name). */
export function formErrorsOf(result: unknown): string[] | undefined {
  const value = result as Result;
  return value && typeof value === "object" && "error" in value ? (value.error?.[""] ?? undefined) : undefined;
}

/**
 * A refusal's messages by field name, the form's own (conform's "") under `form`, for clients that read a JSON
 * answer with fetch() (the review and queue views); `{}` for an answer that is not a refusal.
 */
export function errorsByField(result: unknown): Record<string, string[]> {
  const value = result as Result;
  const errors: Record<string, string[]> = {};
  if (!value || typeof value !== "object" || !("error" in value)) return errors;
  for (const [name, list] of Object.entries(value.error ?? {})) if (list?.length) errors[name === "" ? "form" : name] = list;
  return errors;
}

/** The one message to show for a refusal: the form's own first, else the first field's. */
export function firstErrorOf(result: unknown): string | undefined {
  const errors = errorsByField(result);
  return errors.form?.[0] ?? Object.values(errors)[0]?.[0];
}

/**
 * conform's useForm wired the Console's way: the action's last result, the schema's limits as input attributes,
 * validation in the browser on blur and again on each input once a field showed an error.
 */
export function useSchemaForm<S extends z.ZodObject>(
  schema: S,
  options: {
    lastResult?: SubmissionResult<string[]> | null;
    defaultValue?: Partial<Record<keyof z.input<S>, unknown>>;
    id?: string;
    /** Runs once the form is valid (a GET form that navigates itself, a fetch()); without it the form is sent. */
    onValidSubmit?: (event: React.FormEvent<HTMLFormElement>, value: z.output<S>) => void;
  } = {},
) {
  return useForm<z.input<S>, z.output<S>>({
    id: options.id,
    lastResult: options.lastResult ?? null,
    defaultValue: options.defaultValue as never,
    constraint: schemaConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    // A button marked formNoValidate (Delete beside Save) skips the browser's check, as it does without conform.
    onValidate: ({ formData, submitter }) =>
      (submitter as HTMLButtonElement | null)?.formNoValidate
        ? (parseSubmission(formData, ANYTHING) as ReturnType<typeof parseSubmission<S>>)
        : parseSubmission(formData, schema),
    onSubmit: options.onValidSubmit
      ? (event, { submission }) => {
          if (submission?.status !== "success") return;
          event.preventDefault();
          options.onValidSubmit!(event, submission.value as z.output<S>);
        }
      : undefined,
  });
}
