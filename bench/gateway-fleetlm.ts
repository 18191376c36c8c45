// The FleetLM side of the gateway benchmark (bench/gateway.bench.ts), in its own process so its CPU and memory
// are not counted as the Console's: a faithful dev server (quirks on) with USERS users of SESSIONS_PER_USER
// sessions each. Commands on stdin, answers on stdout (one line each):
//   go RATE SECONDS ACTIVE [FROM] → RATE user messages a second for SECONDS seconds, each to a random session of
//                             the ACTIVE users from user FROM (default 0); answers "sent [[sessionId, seq, postedAtMs], …]"
//                             and "counts {sessionId: messages stored}" for every session touched
// The sessions of users GATED_FROM … GATED_FROM + GATED_COUNT - 1 (arguments 4 and 5) belong to `gw-gated`, the agent
// the bench routes through the Console's gate; every other session to `gw-agent`, which has no webhook.
//   load                    → "load {httpRequests, socketFrames}" received so far (from anyone)
// Prints "ready URL" once the sessions exist (their list is written to the file named by the first argument).
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { newSlug } from "../packages/fleetlm-dev/src/util/ids.js";

const [outFile, usersArg, perUserArg, gatedFromArg, gatedCountArg] = process.argv.slice(2);
const USERS = Number(usersArg ?? 10_000);
const SESSIONS_PER_USER = Number(perUserArg ?? 10);
const GATED_FROM = Number(gatedFromArg ?? 0);
const GATED_COUNT = Number(gatedCountArg ?? 0);
const gated = (user: number) => user >= GATED_FROM && user < GATED_FROM + GATED_COUNT;
const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
const now = Date.now();
const total = USERS * SESSIONS_PER_USER;
// Session i belongs to user i % USERS, so the sessions of the first ACTIVE users are spread over the whole list.
const sessions = Array.from({ length: total }, (_, i) => {
  const at = (now - (total - i) * 1_000) * 1_000;
  return {
    id: newSlug(at / 1_000),
    user_id: `gw-user-${i % USERS}`,
    agent_id: gated(i % USERS) ? "gw-gated" : "gw-agent",
    status: "active" as const,
    metadata: {},
    inserted_at: at,
    updated_at: at,
  };
});
server.store.seed(sessions, []);
writeFileSync(
  outFile!,
  JSON.stringify(sessions.map((s) => ({ id: s.id, userId: s.user_id, agentId: s.agent_id, createdAt: new Date(s.inserted_at / 1_000).toISOString() }))),
);
console.log(`ready ${server.url}`);

const wallClock = () => performance.timeOrigin + performance.now();

async function traffic(rate: number, seconds: number, active: number, from: number) {
  const sent: [string, number, number][] = [];
  const touched = new Set<string>();
  const started = Date.now();
  let due = 0;
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - started < seconds * 1_000) {
    const target = Math.floor(((Date.now() - started) / 1_000) * rate);
    while (due < target) {
      due += 1;
      const user = from + Math.floor(Math.random() * Math.min(active, USERS - from));
      // User u's sessions are u, u + USERS, u + 2 × USERS, …
      const session = sessions[user + Math.floor(Math.random() * SESSIONS_PER_USER) * USERS]!;
      const postedAt = wallClock();
      const post = fetch(`${server.url}/api/sessions/${session.id}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ user_id: session.user_id, kind: "text", content: { text: `gateway bench message ${due}` } }),
      }).then(async (response) => {
        const body = (await response.json()) as { message?: { seq?: number } };
        touched.add(session.id);
        if (response.ok && typeof body.message?.seq === "number") sent.push([session.id, body.message.seq, postedAt]);
      });
      inFlight.add(post);
      void post.catch(() => {}).finally(() => inFlight.delete(post));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.allSettled([...inFlight]);
  const counts: Record<string, number> = {};
  for (const id of touched) counts[id] = server.store.messageCount(id);
  console.log(`sent ${JSON.stringify(sent)}`);
  console.log(`counts ${JSON.stringify(counts)}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  const go = /^go (\d+) (\d+) (\d+)(?: (\d+))?$/.exec(line.trim());
  if (go) await traffic(Number(go[1]), Number(go[2]), Number(go[3]), Number(go[4] ?? 0));
  else if (line.trim() === "load") console.log(`load ${JSON.stringify(server.load())}`);
}
await server.close();
process.exit(0);
