// Seeded randomness for the demo agent, traffic and seeding, so a given --seed replays the same world.
import seedrandom from "seedrandom";

export interface Rng {
  (): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: string | number): Rng {
  const prng = seedrandom(String(seed));
  const rng = (() => prng()) as Rng;
  rng.int = (min, max) => min + Math.floor(prng() * (max - min + 1));
  rng.pick = (items) => items[Math.floor(prng() * items.length)]!;
  rng.chance = (p) => prng() < p;
  return rng;
}

const OPENERS = ["Sure!", "Good question.", "Let me help with that.", "Happy to explain.", "Here is what I found.", "Thanks for asking."];
const SENTENCES = [
  "Your order shipped yesterday and should arrive within three business days.",
  "I checked the account and everything looks in order on our side.",
  "The quickest fix is to clear the cache and sign in again.",
  "Our support team is available around the clock if this keeps happening.",
  "I have updated the ticket with the details you gave me.",
  "The invoice for last month is available in the billing section.",
  "That feature is on the roadmap for the next release.",
  "You can change this setting under Preferences, then Notifications.",
  "I could not find a matching record, could you double-check the reference number?",
  "The refund was issued and usually takes five to seven days to appear.",
  "Two-factor authentication can be turned on from the security page.",
  "The outage earlier today has been resolved and services are back to normal.",
];
const QUESTIONS = [
  "Where is my order?",
  "How do I reset my password?",
  "Can I change my billing address?",
  "Is there a student discount?",
  "Why was I charged twice?",
  "What is the weather in Paris?",
  "Can you summarise my last invoice?",
  "The app keeps logging me out, help!",
  "Do you ship to Canada?",
  "How do I export my data?",
  "thanks!",
  "Can I talk to a human?",
];

export function demoReplyText(rng: Rng): string {
  const count = rng.int(1, 4);
  const parts = [rng.pick(OPENERS)];
  for (let i = 0; i < count; i++) parts.push(rng.pick(SENTENCES));
  return parts.join(" ");
}

export function demoUserText(rng: Rng): string {
  return rng.pick(QUESTIONS);
}
