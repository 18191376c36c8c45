// The session benches' messages: alternating user questions and assistant replies, as the demo agent writes them.
import type { MessageRow } from "../packages/fleetlm-dev/src/store/types.js";

export function seedMessages(sessionId: string, count: number): MessageRow[] {
  const now = Date.now() * 1000;
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const fromUser = seq % 2 === 1;
    return {
      id: `bench-${seq}`,
      session_id: sessionId,
      seq,
      sender_id: fromUser ? "bench-user" : "bench-agent",
      recipient_id: fromUser ? "bench-agent" : "bench-user",
      kind: fromUser ? "text" : "assistant",
      content: fromUser
        ? { text: `Question number ${seq}: how do I reset my password on the mobile app?` }
        : {
            id: `r${seq}`,
            role: "assistant",
            parts: [{ type: "text", text: `Answer ${seq}: open Settings, then Account, then **Reset password**. A link arrives by e-mail.`, state: "done" }],
          },
      metadata: fromUser ? {} : { termination: "finish", latency_ms: 800 },
      inserted_at: now - (count - i) * 1_000_000,
    };
  });
}
