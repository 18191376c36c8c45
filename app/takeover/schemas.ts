// Forms of the takeover resource route, shared by the action (authoritative) and the composer.
import { z } from "zod";

export const BODY_MAX = 4000;
export const REASON_MAX = 500;

export const ClientMessageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "Not a valid client message id");

export const MessageBodySchema = z
  .string()
  .refine((text) => text.trim().length > 0, "Write a message first")
  .refine((text) => text.length <= BODY_MAX, `At most ${BODY_MAX} characters`);

/** The composer's form: the draft and its client message id (one per draft, reused on every retry). */
export const SendMessageFormSchema = z.object({ intent: z.literal("send"), clientMessageId: ClientMessageIdSchema, body: MessageBodySchema });

/** Take over, with an optional reason (the panel's reason box takes its limit from here). */
export const ClaimFormSchema = z.object({ intent: z.literal("claim"), reason: z.string().max(REASON_MAX, `At most ${REASON_MAX} characters`).optional() });

export const TakeoverIntentSchema = z.discriminatedUnion("intent", [
  ClaimFormSchema,
  z.object({ intent: z.literal("release") }),
  z.object({ intent: z.literal("force-release") }),
  z.object({ intent: z.literal("heartbeat") }),
  z.object({ intent: z.literal("stop-reply") }),
  z.object({ intent: z.literal("route-again") }),
  z.object({ intent: z.literal("replay-missed") }),
  z.object({ intent: z.literal("typing") }),
  SendMessageFormSchema,
]);
export type TakeoverIntent = z.infer<typeof TakeoverIntentSchema>;
