// Who else is viewing a session, in its inbox row (issue 17): the names the session page's presence shows,
// kept live by `viewers` events. The inbox page itself never counts as viewing.
import { useState } from "react";
import { useLiveEvents } from "~/live/use-live";

type Viewer = { id: string; name: string };

export function RowViewers({ sessionId, initial, meId }: { sessionId: string; initial: Viewer[]; meId: string }) {
  const [viewers, setViewers] = useState(initial);
  const [seen, setSeen] = useState(initial);
  // A reload brings the server's list again (from the same moment the feed resumes).
  if (seen !== initial) {
    setSeen(initial);
    setViewers(initial);
  }
  useLiveEvents((event) => {
    if (event.type === "viewers" && event.sessionId === sessionId) setViewers(event.viewers);
  });
  const others = viewers.filter((viewer) => viewer.id !== meId);
  if (others.length === 0) return null;
  const names = others.map((viewer) => viewer.name).join(", ");
  return (
    <span className="block text-xs text-slate-600 dark:text-slate-400" data-testid="row-viewers" title={`Viewing now: ${names}`}>
      <span aria-hidden="true">👁 </span>
      <span className="sr-only">Viewing now: </span>
      {names}
    </span>
  );
}
