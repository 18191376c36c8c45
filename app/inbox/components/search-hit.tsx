// A matching message under a search: the snippet with its hits marked (text nodes only: message text is untrusted)
// and a link that opens the session at that message's seq.
import { Link } from "@remix-run/react";

const START = "\u0001";
const END = "\u0002";

/** Splits a snippet on the server's markers into plain and highlighted runs. */
export function hitRuns(snippet: string): { text: string; hit: boolean }[] {
  const runs: { text: string; hit: boolean }[] = [];
  for (const [i, piece] of snippet.split(START).entries()) {
    if (i === 0) {
      if (piece) runs.push({ text: piece.replaceAll(END, ""), hit: false });
      continue;
    }
    const [hit = "", ...rest] = piece.split(END);
    if (hit) runs.push({ text: hit, hit: true });
    const tail = rest.join("");
    if (tail) runs.push({ text: tail, hit: false });
  }
  return runs;
}

export function SearchHit({ sessionId, seq, snippet }: { sessionId: string; seq: number; snippet: string }) {
  return (
    <Link
      to={`/sessions/${encodeURIComponent(sessionId)}?seq=${seq}`}
      data-testid={`hit-${sessionId}`}
      className="block max-w-md rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800"
      aria-label={`Open at message ${seq}: ${snippet.replaceAll(START, "").replaceAll(END, "")}`}
    >
      <span className="mr-1 rounded bg-slate-100 px-1 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">#{seq}</span>
      {hitRuns(snippet).map((run, i) =>
        run.hit ? (
          <mark key={i} className="rounded bg-yellow-200 px-0.5 text-slate-900 dark:bg-yellow-600 dark:text-white">
            {run.text}
          </mark>
        ) : (
          <span key={i}>{run.text}</span>
        ),
      )}
    </Link>
  );
}
