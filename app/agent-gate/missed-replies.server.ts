// After a hand back, the user messages the AI never answered: FleetLM calls the agent only on a NEW user message,
// and the gate paused every call made while the session was held (ADR 121). On the operator's word the Console
// replays that webhook call through the gate: the same request FleetLM would have sent (the session's recent
// history, §8.3) goes through handleGateCall — so the takeover check, the stored real URL and Stop reply all
// apply — and each reply the agent streams is assembled the way FleetLM assembles it (§8.5) and appended to the
// session as the agent's `assistant` message, marked `metadata.console_replay`.
import { isConsoleNotice } from "~/settings/join-leave.server";
import { MessageAssembler, errorText, type Message } from "@fleetlm/client";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { fleetlmFailureSentence } from "~/fleetlm/problem";
import { can } from "~/auth/permissions";
import { singleton } from "~/lib/singleton.server";
import { liveBus } from "~/live/bus.server";
import { sessionAgent } from "~/takeover/session-agent.server";
import { activeTakeover, type Actor, type Refusal } from "~/takeover/takeover.server";
import { GATE_HEADER, handleGateCall } from "./gate.server";
import { gateHealth } from "./gate-health.server";

/** How much history the replayed call carries (FleetLM's `tail` mode default is of this order). */
export const REPLAY_HISTORY = 100;

export type Missed = { seqs: number[]; userId: string; agentId: string };

/**
 * The user's messages after the agent last spoke (an AI reply or an operator's reply: both are the agent's
 * sender id), among the newest REPLAY_HISTORY. Empty when the conversation's last word is the agent's.
 */
export function unansweredUserSeqs(
  messages: (Pick<Message, "seq" | "sender_id"> & { metadata?: Message["metadata"] })[],
  userId: string,
  agentId: string,
): number[] {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  // The Console's own "Dana left" notice (ADR 160) is sent as the agent but answers nobody.
  const lastAgent = sorted.reduce((at, m) => (m.sender_id === agentId && !isConsoleNotice(m) ? m.seq : at), 0);
  return sorted.filter((m) => m.seq > lastAgent && m.sender_id === userId).map((m) => m.seq);
}

/** Missed messages of a session that nobody holds; null when the last takeover did not pause anything. */
export async function missedDuringTakeover(sessionId: string): Promise<{ ok: true; missed: Missed; history: Message[] } | Refusal> {
  const agent = await sessionAgent(sessionId);
  if (!agent.ok) return agent;
  let session: Awaited<ReturnType<ReturnType<typeof fleetlm>["getSession"]>>;
  let history: Message[];
  try {
    [session, history] = await Promise.all([fleetlm().getSession(sessionId), fleetlm().latest(sessionId, REPLAY_HISTORY)]);
  } catch (error) {
    reportFleetlmFailure(error);
    return { ok: false, status: 503, reason: fleetlmFailureSentence(error, "the Console cannot tell which messages the AI missed") };
  }
  return { ok: true, missed: { seqs: unansweredUserSeqs(history, session.user_id, agent.agentId), userId: session.user_id, agentId: agent.agentId }, history };
}

/** The sessions whose missed messages are being answered right now (one replay per session at a time). */
const replays = () => singleton("replays", () => new Set<string>());

export type ReplayStart = { ok: true; seqs: number[]; done: Promise<ReplayOutcome> } | Refusal;
export type ReplayOutcome = { stored: number[]; error: string | null };

/**
 * Starts the replay and answers at once (the agent may stream for a while); `done` settles when it is over.
 * Refused while someone holds the session, when the agent is not gated (then the AI was never paused) or its
 * routing drifted, when nothing is unanswered, and while another replay of the session runs.
 */
export async function replayMissed(input: { sessionId: string; actor: Actor; ip?: string }): Promise<ReplayStart> {
  const { sessionId, actor } = input;
  if (!can(actor, "takeover:claim")) return { ok: false, status: 403, reason: "Auditors cannot make the AI answer." };
  if (replays().has(sessionId)) return { ok: false, status: 409, reason: "The AI is already answering the missed messages." };
  // Claimed before the first await, so two clicks racing each other start one replay, not two.
  replays().add(sessionId);
  let started: ReplayStart | null = null;
  try {
    started = await startReplay(input);
    return started;
  } finally {
    if (!started?.ok) replays().delete(sessionId);
  }
}

async function startReplay(input: { sessionId: string; actor: Actor; ip?: string }): Promise<ReplayStart> {
  const { sessionId, actor } = input;
  const holder = await activeTakeover(sessionId);
  if (holder)
    return { ok: false, status: 409, reason: `${holder.holder.name} holds this session: the AI stays paused until it is handed back.`, holder: holder.holder };
  const found = await missedDuringTakeover(sessionId);
  if (!found.ok) return found;
  const { missed, history } = found;
  if (missed.seqs.length === 0) return { ok: false, status: 409, reason: "Every user message has an answer: there is nothing for the AI to catch up on." };
  const gate = await gateHealth(missed.agentId);
  if (gate.state !== "gated")
    return {
      ok: false,
      status: 409,
      reason:
        gate.state === "not-gated"
          ? "This agent is not routed through the Console, so it was never paused."
          : "The agent's routing through the Console is not in order; route it again first.",
    };
  const prisma = await db();
  const gated = await prisma.gatedAgent.findUnique({ where: { agentId: missed.agentId } });
  if (!gated) return { ok: false, status: 409, reason: "This agent is not routed through the Console, so it was never paused." };

  await audit({ actor, action: "takeover.replay_missed", targetType: "session", targetId: sessionId, details: { seqs: missed.seqs }, ip: input.ip });
  // The request FleetLM would have made for the newest missed message (§8.3: no id, no metadata).
  const body = {
    session_id: sessionId,
    agent_id: missed.agentId,
    user_id: missed.userId,
    messages: history.map((m) => ({ seq: m.seq, sender_id: m.sender_id, kind: m.kind, content: m.content, inserted_at: m.inserted_at })),
  };
  const request = new Request(`http://console.internal/gate/agents/${encodeURIComponent(missed.agentId)}`, {
    method: "POST",
    headers: { "content-type": "application/json", [GATE_HEADER]: gated.gateToken },
    body: JSON.stringify(body),
  });
  const done = (async (): Promise<ReplayOutcome> => {
    try {
      return await relayToSession(sessionId, missed, await handleGateCall(request, gated));
    } finally {
      replays().delete(sessionId);
    }
  })();
  return { ok: true, seqs: missed.seqs, done };
}

/** Reads the gate's NDJSON answer, shows it live, and stores each finished reply as FleetLM would have. */
async function relayToSession(sessionId: string, missed: Missed, response: Response): Promise<ReplayOutcome> {
  const stored: number[] = [];
  if (response.headers.get(GATE_HEADER) === "paused") return { stored, error: "The session was taken over again before the AI could answer." };
  if (!response.body) return { stored, error: response.ok ? null : `The agent answered ${response.status}.` };
  const assembler = new MessageAssembler();
  const decoder = new TextDecoder();
  let buffered = "";
  const handle = async (line: string) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const chunk = JSON.parse(trimmed) as Record<string, unknown>;
    liveBus().publish({ type: "chunk", sessionId, agentId: missed.agentId, chunk });
    const completed = assembler.apply(chunk);
    if (!completed) return;
    const message = await fleetlm().appendMessage(sessionId, {
      agentId: missed.agentId,
      kind: "assistant",
      content: completed.content as unknown as Record<string, unknown>,
      metadata: { ...completed.metadata, console_replay: { answered_seqs: missed.seqs } },
    });
    stored.push(message.seq);
  };
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) await handle(line);
    }
    await handle(buffered + decoder.decode()); // a last line without newline still counts (§8.4)
    return { stored, error: response.ok ? null : `The agent answered ${response.status}.` };
  } catch (error) {
    console.warn(`[replay] ${sessionId}: ${errorText(error)}`);
    reportFleetlmFailure(error);
    // Like FleetLM (§8.8): what was stored stays stored; an unfinished reply is not.
    return { stored, error: "The AI's answer could not be completed." };
  }
}
