// The admin inbox-settings form (ADR 190): handoff phrases (one a line), the unanswered minutes and the
// round-robin cap, shared by the action and the page. Browser-safe: the stored settings live in
// inbox-settings.server.ts, which reads a phrase with the same PhraseSchema.
import { z } from "zod";

export const PHRASE_MIN = 2;
export const PHRASE_MAX = 80;
export const PHRASES_MAX = 50;

export const PhraseSchema = z
  .string()
  .trim()
  .min(PHRASE_MIN, `a phrase needs at least ${PHRASE_MIN} characters`)
  .max(PHRASE_MAX, `a phrase has at most ${PHRASE_MAX} characters`);

export const UnansweredMinutesSchema = z.coerce
  .number({ message: "minutes must be a number" })
  .int("whole minutes")
  .min(1, "at least 1 minute")
  .max(10_080, "at most a week (10,080 minutes)");

export const AssignCapSchema = z.coerce.number({ message: "the cap must be a number" }).int("a whole number").min(1, "at least 1").max(1_000, "at most 1,000");

/** The textarea's lines, blank ones dropped; a bad line is named by its number in the textarea. */
const PhraseLines = z
  .string()
  .max(PHRASES_MAX * (PHRASE_MAX + 2) * 2, "too much text for 50 phrases")
  .default("")
  .transform((text, ctx) => {
    const phrases: string[] = [];
    text.split("\n").forEach((line, index) => {
      if (!line.trim()) return;
      const parsed = PhraseSchema.safeParse(line);
      if (parsed.success) phrases.push(parsed.data);
      else ctx.addIssue({ code: "custom", message: `line ${index + 1}: ${parsed.error.issues[0]?.message ?? "not a phrase"}` });
    });
    if (phrases.length > PHRASES_MAX) ctx.addIssue({ code: "custom", message: `at most ${PHRASES_MAX} phrases` });
    return phrases;
  });

export const InboxSettingsFormSchema = z.object({
  handoffPhrases: PhraseLines,
  unansweredMinutes: UnansweredMinutesSchema,
  assignCap: AssignCapSchema,
});
