// Admin-set inbox settings: the phrases that mean "the user asks for a person", how long a user message may go
// unanswered before the session waits on a human, and how many open sessions round-robin gives one operator.
// Stored as JSON per key (InboxSetting); read through a short cache, dropped on every write in this process.
import { z } from "zod";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { AssignCapSchema, PHRASES_MAX, PhraseSchema, UnansweredMinutesSchema } from "./settings-form";

export const DEFAULT_HANDOFF_PHRASES = [
  "talk to a person",
  "talk to a human",
  "speak to a person",
  "speak to a human",
  "real person",
  "human agent",
  "a human please",
];

export const InboxSettingsSchema = z.object({
  handoffPhrases: z.array(PhraseSchema).max(PHRASES_MAX, `at most ${PHRASES_MAX} phrases`),
  unansweredMinutes: UnansweredMinutesSchema,
  assignCap: AssignCapSchema,
});
export type InboxSettings = z.infer<typeof InboxSettingsSchema>;

const KEYS = ["handoffPhrases", "unansweredMinutes", "assignCap"] as const;
let cache: { at: number; value: InboxSettings } | null = null;
const MAX_AGE_MS = 2_000;

function defaults(): InboxSettings {
  return { handoffPhrases: DEFAULT_HANDOFF_PHRASES, unansweredMinutes: env().NEEDS_HUMAN_MINUTES, assignCap: 20 };
}

export async function inboxSettings(): Promise<InboxSettings> {
  if (cache && Date.now() - cache.at < MAX_AGE_MS) return cache.value;
  const prisma = await db();
  const rows = await prisma.inboxSetting.findMany({ where: { key: { in: [...KEYS] } } });
  const merged: Record<string, unknown> = { ...defaults() };
  for (const row of rows) {
    try {
      merged[row.key] = JSON.parse(row.value);
    } catch {
      // A hand-edited row that is not JSON: keep the default rather than fail every inbox load.
    }
  }
  const parsed = InboxSettingsSchema.safeParse(merged);
  const value = parsed.success ? parsed.data : defaults();
  cache = { at: Date.now(), value };
  return value;
}

export async function saveInboxSettings(next: InboxSettings): Promise<void> {
  const prisma = await db();
  const clean = { ...next, handoffPhrases: [...new Set(next.handoffPhrases.map((p) => p.trim().toLowerCase()))] };
  await prisma.$transaction(
    KEYS.map((key) =>
      prisma.inboxSetting.upsert({ where: { key }, create: { key, value: JSON.stringify(clean[key]) }, update: { value: JSON.stringify(clean[key]) } }),
    ),
  );
  cache = null;
}

export function resetInboxSettingsCache() {
  cache = null;
}
