// What the takeover resource route (routes/sessions.$id.takeover.ts) answers, for the panel's fetchers: the
// shapes live with the domain so its components need not import a route.
import type { GateHealth } from "~/agent-gate/gate-health.server";
import type { CannedReplyView } from "./canned-replies.server";
import type { TakeoverView, TimelineEntry } from "./takeover.server";

export type TakeoverPanelData = {
  takeover: TakeoverView | null;
  timeline: TimelineEntry[];
  streaming: boolean;
  /** Routed through the Console (so Stop reply works). */
  gated: boolean;
  /** Whether a takeover really pauses the AI: FleetLM asked on every load of the panel. */
  gate: GateHealth;
  idleMinutes: number;
  cannedReplies: CannedReplyView[];
};

export type TakeoverActionResult =
  | {
      ok: true;
      intent: string;
      takeover?: TakeoverView | null;
      seq?: number;
      clientMessageId?: string;
      stopped?: number;
      missed?: number[];
      replaying?: number[];
    }
  | {
      ok: false;
      intent: string;
      reason: string;
      holder?: { id: string; name: string } | null;
      status?: string;
      clientMessageId?: string;
      /** A form the schema refused (intent "invalid"): conform's errors by field name. */
      error?: Record<string, string[] | null>;
    };
