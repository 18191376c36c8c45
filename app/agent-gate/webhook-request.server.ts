// FleetLM's webhook request (protocol §8.3), checked before the gate forwards anything: a JSON object with
// session_id, agent_id, user_id and the history as {seq, sender_id, kind, content, inserted_at} messages.
import { z } from "zod";

/** History modes can send a whole session ("entire"), so the cap is generous; past it, FleetLM is not the caller. */
export const MAX_WEBHOOK_BYTES = 8 * 1024 * 1024;

const WebhookMessageSchema = z.object({
  seq: z.number().int().positive(),
  sender_id: z.string(),
  kind: z.string(),
  content: z.record(z.string(), z.unknown()),
  inserted_at: z.string(),
});

export const WebhookRequestSchema = z.object({
  session_id: z.string().min(1).max(200),
  agent_id: z.string().min(1),
  user_id: z.string(),
  messages: z.array(WebhookMessageSchema),
});
export type WebhookRequest = z.infer<typeof WebhookRequestSchema>;

export type ReadBody = { ok: true; raw: Uint8Array<ArrayBuffer>; payload: WebhookRequest } | { ok: false; status: 400 | 413 | 415; error: string };

export async function readWebhookRequest(request: Request, agentId: string): Promise<ReadBody> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) return { ok: false, status: 415, error: "content-type must be application/json" };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) return { ok: false, status: 413, error: "body too large" };
  const raw = await readCapped(request, MAX_WEBHOOK_BYTES);
  if (!raw) return { ok: false, status: 413, error: "body too large" };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    return { ok: false, status: 400, error: "body is not JSON" };
  }
  const parsed = WebhookRequestSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      error: `not a FleetLM webhook request: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
        .join("; ")
        .slice(0, 500)}`,
    };
  if (parsed.data.agent_id !== agentId) return { ok: false, status: 400, error: "agent_id does not match the gate's agent" };
  return { ok: true, raw, payload: parsed.data };
}

/** The body, or null once it passes `cap` bytes (reading stops there). */
async function readCapped(request: Request, cap: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
