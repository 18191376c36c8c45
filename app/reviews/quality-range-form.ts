// The agent quality page's range form (ADR 190, 196): which agent and which UTC days. A GET form read by the
// browser (it navigates to the agent's own path), so the schema speaks to the person typing; the loader stays
// lenient with a hand-typed URL (parseAgentRange falls back and swaps, never refuses a range).
import { z } from "zod";
import { isCalendarDay } from "~/lib/calendar-day";

const Day = (what: string) => z.string({ message: `Pick the ${what} day.` }).refine(isCalendarDay, `Pick the ${what} day (YYYY-MM-DD).`);

export const AgentRangeFormSchema = z
  .object({
    agentSwitch: z.string({ message: "Pick an agent." }).trim().min(1, "Pick an agent.").max(200, "At most 200 characters."),
    from: Day("first"),
    to: Day("last"),
  })
  // zod runs an object's refinement even when a day was refused: compare only two real days.
  .refine((range) => !isCalendarDay(range.from) || !isCalendarDay(range.to) || range.from <= range.to, {
    path: ["to"],
    message: "The last day comes on or after the first.",
  });
