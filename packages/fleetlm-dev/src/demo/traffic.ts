// Simulated users for --traffic N: about N messages a minute spread over many users, so inboxes move.
import type { Conversations } from "../core/conversations.js";
import type { Logger } from "../core/logger.js";
import { newSlug } from "../util/ids.js";
import { nowMicros } from "../util/time.js";
import { createRng, demoUserText } from "./random.js";

export function startTraffic(
  conversations: Conversations,
  options: { perMinute: number; seed: number; agentId: string; logger: Logger; users?: number },
): { stop(): void } {
  const rng = createRng(`traffic:${options.seed}`);
  const users = Array.from({ length: options.users ?? 25 }, (_, i) => `traffic-user-${i + 1}`);
  const sessionsByUser = new Map<string, string[]>();
  const meanGapMs = 60_000 / options.perMinute;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    try {
      const user = rng.pick(users);
      let list = sessionsByUser.get(user);
      if (!list) sessionsByUser.set(user, (list = []));
      let session = list.length > 0 && !rng.chance(0.15) ? conversations.store.getSession(rng.pick(list)) : undefined;
      if (!session) {
        const now = nowMicros();
        session = {
          id: newSlug(),
          user_id: user,
          agent_id: options.agentId,
          status: "active",
          metadata: { source: "fleetlm-dev-traffic" },
          inserted_at: now,
          updated_at: now,
        };
        conversations.store.createSession(session);
        list.push(session.id);
      }
      const row = conversations.append(session, { senderId: user, kind: "text", content: { text: demoUserText(rng) }, metadata: {} });
      conversations.fanOut(session, row);
    } catch (error) {
      options.logger.warn(`traffic tick failed: ${String(error)}`);
    }
    // Exponential gaps give a realistic, bursty arrival process around the requested rate.
    const gap = Math.min(meanGapMs * 5, -Math.log(1 - rng() * 0.999) * meanGapMs);
    timer = setTimeout(tick, gap);
    timer.unref();
  };
  timer = setTimeout(tick, Math.min(meanGapMs, 1000));
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
