// What the takeover resource route (routes/sessions.$id.takeover.ts) answers, for the panel's fetchers: the
// shapes live with the domain so its components need not import a route.
import type { CannedReplyView } from "./canned-replies.server";
import type { TakeoverView, TimelineEntry } from "./takeover.server";

export type TakeoverPanelData = {
  takeover: TakeoverView | null;
  timeline: TimelineEntry[];
  streaming: boolean;
  gated: boolean;
  idleMinutes: number;
  cannedReplies: CannedReplyView[];
};

export type TakeoverActionResult =
  | { ok: true; intent: string; takeover?: TakeoverView | null; seq?: number; clientMessageId?: string; stopped?: number }
  | { ok: false; intent: string; reason: string; holder?: { id: string; name: string } | null; status?: string; clientMessageId?: string; errors?: Record<string, string[]> };
