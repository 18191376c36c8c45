// The join and leave notices a takeover posts into the session when the admin setting is on (ADR 160): the
// setting and its text live in settings/; posting them as the session's agent is the takeover's job.
import type { Actor } from "~/auth/actor";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { CONSOLE_NOTICE_SOURCE, joinLeaveSetting, noticeText } from "~/settings/join-leave.server";
import { operatorIdentityPolicy } from "~/settings/operator-identity.server";
import { sessionAgent } from "./session-agent.server";

/**
 * Appends the join or leave notice when the setting is on. Best effort: the takeover already happened, so a
 * FleetLM failure is logged and reported as false, never undone.
 */
export async function announceTakeover(sessionId: string, event: "joined" | "left", operator: Pick<Actor, "name">): Promise<boolean> {
  const setting = await joinLeaveSetting();
  if (!setting.enabled) return false;
  const agent = await sessionAgent(sessionId);
  if (!agent.ok) return false;
  const name = (await operatorIdentityPolicy()) === "none" ? null : operator.name;
  try {
    await fleetlm().appendMessage(sessionId, {
      agentId: agent.agentId,
      kind: setting.kind,
      content: { text: noticeText(event === "joined" ? setting.join : setting.leave, name) },
      metadata: { source: CONSOLE_NOTICE_SOURCE, event: event === "joined" ? "operator_joined" : "operator_left" },
    });
    return true;
  } catch (error) {
    console.error(`[join-leave] could not post the ${event} notice:`, error instanceof Error ? error.message : error);
    return false;
  }
}
