// Helpers for the schema tests: a form posted as a browser posts it, parsed the way action and form parse it.
import type { z } from "zod";
import { parseSubmission } from "~/lib/forms";

export function formOf(fields: Record<string, string | string[] | undefined>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value ?? []].flat()) form.append(name, v);
  return form;
}

/** The field errors (form errors under "") of a form, or null when the schema accepts it. */
export function errorsOf(schema: z.ZodType, fields: Record<string, string | string[] | undefined>) {
  const submission = parseSubmission(formOf(fields), schema);
  return submission.status === "success" ? null : (submission.reply().error ?? {});
}

export function valueOf<S extends z.ZodType>(schema: S, fields: Record<string, string | string[] | undefined>): z.output<S> {
  const submission = parseSubmission(formOf(fields), schema);
  if (submission.status !== "success") throw new Error(`rejected: ${JSON.stringify(submission.reply().error)}`);
  return submission.value as z.output<S>;
}
