// Shapes the session page shares between its loader and the browser.
import type { LiveMessage } from "~/live/events";

/** A persisted message as the page holds it; `insertedAtRaw` is FleetLM's naive UTC string when known. */
export type ViewMessage = LiveMessage & { insertedAtRaw?: string };

export type PageMode = "tail" | "before" | "after" | "seq";

export type HistoryPage = {
  mode: PageMode;
  messages: ViewMessage[];
  /** Seqs within the page that FleetLM lost (never returned by any read): shown as markers in their place. */
  lost?: number[];
  /** Highest seq the Console knows of (index or what this read saw); 0 for an empty session. */
  headSeq: number;
  hasOlder: boolean;
  hasNewer: boolean;
  /** The deep-linked seq (`?seq=N`). */
  highlight: number | null;
};

export type SessionSummary = {
  id: string;
  userId: string;
  agentId: string;
  status: string;
  createdAt: string | null; // ISO with Z
  createdAtRaw: string | null; // FleetLM's naive value
};
