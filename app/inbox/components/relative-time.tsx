// "3 min ago" with the exact UTC time on hover. The first render uses the server's clock (no hydration
// mismatch); afterwards the label ticks with the browser's clock.
import { useEffect, useState } from "react";

export function relativeLabel(iso: string, now: number): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

export function exactUtc(iso: string): string {
  return `${iso.replace("T", " ").slice(0, 19)} UTC`;
}

export function useNow(serverNow: number, everyMs = 30_000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [serverNow, everyMs]);
  return now;
}

export function RelativeTime({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={exactUtc(iso)} className="whitespace-nowrap">
      {relativeLabel(iso, now)}
    </time>
  );
}
