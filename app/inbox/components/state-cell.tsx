// A row's conversation state: the state, why it waits on a human, and how long the user has waited since their
// first message no human has answered (issue 16).
import type { InboxRow } from "~/inbox/inbox-query.server";
import { STATE_LABEL } from "~/inbox/views";
import { Chip, type ChipTone } from "~/components/ui/chip";

const TONE: Record<InboxRow["state"], ChipTone> = { pending: "neutral", waiting: "warning", open: "info", snoozed: "accent", resolved: "success" };

export function waitedFor(sinceIso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - new Date(sinceIso).getTime()) / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}

type Row = Pick<InboxRow, "id" | "state" | "handoffReason" | "waitingSince" | "snoozedUntil" | "lastSenderRole" | "lastActivityAt">;

export function StateCell({ row, now, unansweredMinutes }: { row: Row; now: number; unansweredMinutes: number }) {
  // The unanswered-time signal is read, not stored: the user wrote last and nobody has answered for that long.
  const unanswered =
    (row.state === "pending" || row.state === "open") &&
    row.lastSenderRole === "user" &&
    row.lastActivityAt !== null &&
    now - new Date(row.lastActivityAt).getTime() > unansweredMinutes * 60_000;
  const waiting = row.state === "waiting" || unanswered;
  const reason = row.state === "waiting" ? row.handoffReason : unanswered ? `No answer for over ${unansweredMinutes} min` : null;
  return (
    <span className="flex flex-col gap-0.5" data-testid={`state-${row.id}`}>
      <Chip tone={TONE[waiting ? "waiting" : row.state]} className="w-fit font-medium">
        {waiting ? STATE_LABEL.waiting : STATE_LABEL[row.state]}
      </Chip>
      {reason ? (
        <span className="max-w-56 text-xs text-slate-600 dark:text-slate-300" data-testid={`reason-${row.id}`}>
          {reason}
        </span>
      ) : null}
      {waiting && row.waitingSince ? <span className="text-xs text-slate-500 dark:text-slate-400">waiting {waitedFor(row.waitingSince, now)}</span> : null}
      {row.state === "snoozed" && row.snoozedUntil ? (
        <span className="text-xs text-slate-500 dark:text-slate-400">until {new Date(row.snoozedUntil).toISOString().slice(0, 16).replace("T", " ")} UTC</span>
      ) : null}
    </span>
  );
}
