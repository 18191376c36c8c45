// Shows the notify events the server sends this operator (issue 17) as browser notifications, with a short
// tone when the operator asked for one. Nothing is shown while one of my tabs is focused on that session, nor
// without the browser's permission, which is only ever asked for by a button (components/notification-permission).
import { useLocation, useNavigate } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useLiveEvents } from "~/live/use-live";
import type { NotifyEvent } from "~/live/events";
import { RENEW_MS, announceFocus, claimNotification, focusedSession, sessionOfPath, tabFocused } from "../focus";
import { playTone } from "../tone";

export function Notifier() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const here = useRef<string | null>(null);
  here.current = sessionOfPath(pathname);

  useEffect(() => {
    const update = () => {
      if (tabFocused()) announceFocus(here.current);
      else if (focusedSession() === here.current) announceFocus(null);
    };
    const leave = () => {
      if (focusedSession() === here.current) announceFocus(null);
    };
    update();
    const renew = setInterval(update, RENEW_MS);
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    document.addEventListener("visibilitychange", update);
    window.addEventListener("pagehide", leave);
    return () => {
      clearInterval(renew);
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", update);
      document.removeEventListener("visibilitychange", update);
      window.removeEventListener("pagehide", leave);
    };
  }, [pathname]);

  useLiveEvents((event) => {
    if (event.type !== "notify") return;
    show(event, here.current, (to) => navigate(to));
  });
  return null;
}

function show(event: NotifyEvent, here: string | null, go: (to: string) => void) {
  if (here === event.sessionId && tabFocused()) return;
  if (focusedSession() === event.sessionId) return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const tag = `${event.sessionId}:${event.reason}:${event.seq}`;
  if (!claimNotification(tag)) return;
  const notification = new Notification(event.title, { body: event.body, tag });
  notification.onclick = () => {
    window.focus();
    go(`/sessions/${encodeURIComponent(event.sessionId)}`);
    notification.close();
  };
  if (event.sound) playTone();
}
