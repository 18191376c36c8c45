// The reply index (reviews feature fills this in). The gateway calls recordReplies with every message it reads.
import type { Message } from "@fleetlm/client";

export async function recordReplies(_session: { id: string; agentId: string }, _messages: Message[]): Promise<void> {}
