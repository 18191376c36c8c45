// "mm:ss" until a takeover idles out, ticking every second; calls onExpired once when it reaches zero.
import { useEffect, useRef, useState } from "react";

function format(ms: number) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

export function useCountdown(expiresAt: string | null, onExpired: () => void): string | "expired" | null {
  const [now, setNow] = useState<number | null>(null); // null until mounted: no clock during SSR
  const fired = useRef<string | null>(null);
  const expired = useRef(onExpired);
  expired.current = onExpired;
  useEffect(() => {
    if (!expiresAt) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  const end = expiresAt ? Date.parse(expiresAt) : NaN;
  useEffect(() => {
    if (now !== null && expiresAt && now >= end && fired.current !== expiresAt) {
      fired.current = expiresAt;
      // The server expires lazily on read: reloading makes it happen and shows the result.
      expired.current();
    }
  }, [now, end, expiresAt]);
  if (!expiresAt || Number.isNaN(end) || now === null) return null;
  return now >= end ? "expired" : format(end - now);
}
