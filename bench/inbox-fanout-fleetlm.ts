// The FleetLM side of the inbox fan-out benchmark, in its own process so its CPU and memory are not counted
// as the Console's: a faithful dev server with 10,000 sessions of 1,000 users, then (on "go N" from stdin)
// 100 user messages a second over REST for N seconds. Prints "ready URL", "done SENT", "counts {id: headSeq}".
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { newSlug } from "../packages/fleetlm-dev/src/util/ids.js";

const [outFile] = process.argv.slice(2);
const SESSIONS = 10_000;
const USERS = 1_000;
const RATE = 100;
const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
const now = Date.now();
const sessions = Array.from({ length: SESSIONS }, (_, i) => {
  const at = (now - (SESSIONS - i) * 1_000) * 1_000;
  return {
    id: newSlug(at / 1_000),
    user_id: `fan-user-${i % USERS}`,
    agent_id: "fan-agent",
    status: "active" as const,
    metadata: {},
    inserted_at: at,
    updated_at: at,
  };
});
server.store.seed(sessions, []);
writeFileSync(
  outFile!,
  JSON.stringify({
    url: server.url,
    sessions: sessions.map((s) => ({ id: s.id, userId: s.user_id, agentId: s.agent_id, createdAt: new Date(s.inserted_at / 1_000).toISOString() })),
  }),
);
console.log(`ready ${server.url}`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const match = /^go (\d+)$/.exec(line.trim());
  if (!match) continue;
  const seconds = Number(match[1]);
  const counts: Record<string, number> = {};
  let sent = 0;
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - started < seconds * 1_000) {
    const due = Math.floor(((Date.now() - started) / 1_000) * RATE);
    while (sent < due) {
      const session = sessions[Math.floor(Math.random() * sessions.length)]!;
      sent += 1;
      const post = fetch(`${server.url}/api/sessions/${session.id}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ user_id: session.user_id, kind: "text", content: { text: `fan-out message ${sent}` } }),
      }).then(async (response) => {
        await response.text();
        if (response.ok) counts[session.id] = 0; // touched; the exact head is read from the store at the end
      });
      inFlight.add(post);
      void post.finally(() => inFlight.delete(post));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.allSettled([...inFlight]);
  for (const id of Object.keys(counts)) counts[id] = server.store.messageCount(id);
  console.log(`done ${sent}`);
  console.log(`counts ${JSON.stringify(counts)}`);
}
await server.close();
process.exit(0);
