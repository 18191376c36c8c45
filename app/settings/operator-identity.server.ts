// What the end user's app receives about the person behind an operator-written message (ADR 120). FleetLM hands
// message metadata to the user's SDK unchanged, so every field here is visible to the user: admins choose
// `none`, `display-name` (the default) or `full`. Stored in ConsoleSetting; read on every send (cached briefly).
import { type z } from "zod";
import { audit } from "~/audit/audit.server";
import type { Actor } from "~/auth/actor";
import { db } from "~/db.server";
import { slot } from "~/lib/singleton.server";
import { OperatorIdentitySchema } from "./forms";

export const OPERATOR_IDENTITY_KEY = "operator_identity";
export type OperatorIdentity = z.infer<typeof OperatorIdentitySchema>;
export const DEFAULT_OPERATOR_IDENTITY: OperatorIdentity = "display-name";

export const OPERATOR_IDENTITY_LABELS: Record<OperatorIdentity, string> = {
  none: "Nothing about the operator (the message only says a person wrote it)",
  "display-name": "The operator's display name",
  full: "Display name, operator id and takeover id",
};

export type OperatorMessageContext = { operator: { id: string; name: string }; takeoverId: string; clientMessageId: string };

/**
 * The metadata of a message sent as the agent by an operator. `source` and `client_message_id` are always there:
 * the Console needs them to tell operator replies apart and to make sends idempotent (a retry looks the message
 * up by its client id); the id is random and says nothing about anyone.
 */
export function operatorMessageMetadata(policy: OperatorIdentity, context: OperatorMessageContext): Record<string, string> {
  const base = { source: "operator", client_message_id: context.clientMessageId };
  if (policy === "none") return base;
  if (policy === "display-name") return { ...base, operator_name: context.operator.name };
  return { ...base, operator_id: context.operator.id, operator_name: context.operator.name, takeover_id: context.takeoverId };
}

/** `metadata.stopped_by` of a reply an operator stopped (the same rule; the transcript says "stopped by …"). */
export function stoppedByMetadata(policy: OperatorIdentity, operator: Pick<Actor, "id" | "name">): Record<string, string> {
  if (policy === "none") return { source: "operator" };
  if (policy === "display-name") return { source: "operator", operator_name: operator.name };
  return { source: "operator", operator_id: operator.id, operator_name: operator.name };
}

const CACHE_MS = 1_000;
const cache = slot<{ value: OperatorIdentity; at: number }>("operatorIdentity");

export async function operatorIdentityPolicy(): Promise<OperatorIdentity> {
  const cached = cache.get();
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const prisma = await db();
  const row = await prisma.consoleSetting.findUnique({ where: { key: OPERATOR_IDENTITY_KEY } });
  // A value this version does not know (written by a newer Console, or by hand) falls back to the default.
  const parsed = OperatorIdentitySchema.safeParse(row?.value);
  const value = parsed.success ? parsed.data : DEFAULT_OPERATOR_IDENTITY;
  cache.set({ value, at: Date.now() });
  return value;
}

export async function setOperatorIdentityPolicy(value: OperatorIdentity, actor: Pick<Actor, "id" | "email">, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const before = await tx.consoleSetting.findUnique({ where: { key: OPERATOR_IDENTITY_KEY } });
    await tx.consoleSetting.upsert({
      where: { key: OPERATOR_IDENTITY_KEY },
      create: { key: OPERATOR_IDENTITY_KEY, value, updatedById: actor.id },
      update: { value, updatedById: actor.id },
    });
    await audit(
      {
        actor,
        action: "settings.operator_identity",
        targetType: "setting",
        targetId: OPERATOR_IDENTITY_KEY,
        details: { from: before?.value ?? DEFAULT_OPERATOR_IDENTITY, to: value },
        ip,
      },
      tx,
    );
  });
  cache.set({ value, at: Date.now() });
}
