// --seed-sessions N: sessions with back-dated history, a few of them thousands of messages long.
import type { MessageRow, SessionRow, Store } from "../store/types.js";
import { newSlug } from "../util/ids.js";
import { createRng, demoReplyText, demoUserText } from "./random.js";

export function seedSessions(store: Store, options: { count: number; seed: number; agentId: string; users?: number }): void {
  const rng = createRng(`seed:${options.seed}`);
  const userCount = options.users ?? Math.max(1, Math.min(50, Math.ceil(options.count / 10)));
  const nowMs = Date.now();
  const sessions: SessionRow[] = [];
  let messages: MessageRow[] = [];
  const flush = () => {
    store.seed(sessions.splice(0), messages);
    messages = [];
  };
  for (let i = 0; i < options.count; i++) {
    const user = `seed-user-${(i % userCount) + 1}`;
    const startMs = nowMs - rng.int(60_000, 30 * 24 * 3600_000);
    const session: SessionRow = {
      id: newSlug(startMs),
      user_id: user,
      agent_id: options.agentId,
      status: rng.chance(0.05) ? "archived" : "active",
      metadata: { source: "fleetlm-dev-seed", index: i },
      inserted_at: startMs * 1000,
      updated_at: startMs * 1000,
    };
    sessions.push(session);
    const total = i % 25 === 0 ? rng.int(2000, 5000) : rng.int(1, 40);
    let t = startMs;
    for (let seq = 1; seq <= total; seq++) {
      t = Math.min(nowMs - 1, t + rng.int(1000, 40_000));
      const fromUser = seq % 2 === 1;
      messages.push({
        id: newSlug(t),
        session_id: session.id,
        seq,
        sender_id: fromUser ? user : options.agentId,
        recipient_id: fromUser ? options.agentId : user,
        kind: fromUser ? "text" : "assistant",
        content: fromUser
          ? { text: demoUserText(rng) }
          : { id: `seed-${session.id}-${seq}`, role: "assistant", parts: [{ type: "text", text: demoReplyText(rng), state: "done" }] },
        metadata: fromUser ? {} : { termination: "finish", _finish_chunk: { type: "finish" } },
        inserted_at: t * 1000 + rng.int(0, 999),
      });
    }
    if (messages.length > 20_000) flush();
  }
  flush();
}
