// The agreement page's form (ADR 190): an admin's final value for one score of one disagreement, with an
// optional note; shared by the action and each disagreement's form. Browser-safe: no server imports.
import { z } from "zod";

export const ADJUDICATION_NOTE_MAX = 1000;

export const AdjudicationSchema = z.object({
  sessionId: z.string({ message: "Which reply?" }).min(1, "Which reply?").max(200),
  seq: z.coerce.number({ message: "Which reply?" }).int("Which reply?").positive("Which reply?"),
  key: z.string({ message: "Which score?" }).min(1, "Which score?").max(40),
  value: z.string({ message: "Pick the final value." }).trim().min(1, "Pick the final value.").max(100, "At most 100 characters."),
  note: z.string().trim().max(ADJUDICATION_NOTE_MAX, "At most 1,000 characters.").default(""),
});
