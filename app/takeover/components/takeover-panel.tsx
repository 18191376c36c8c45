import type { TakeoverView } from "../takeover.server";

// Take over / hand back / composer for one session (takeover feature fills this in).
export function TakeoverPanel(_props: { sessionId: string; agentId: string; takeover: TakeoverView | null; me: { id: string; name: string; role: string } }) {
  return null;
}
