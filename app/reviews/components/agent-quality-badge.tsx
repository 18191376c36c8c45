// The same quality figures inline, for the inbox's agent filter and the session header: last 7 days.
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { AgentQualitySummary } from "../quality.server";

const pct = (v: number | null) => (v === null ? "–" : `${Math.round(v * 100)}%`);
const ms = (v: number | null) => (v === null ? "–" : v >= 1000 ? `${(v / 1000).toFixed(1)}s` : `${v}ms`);

export function AgentQualityBadge({ agentId, className = "" }: { agentId: string; className?: string }) {
  const [summary, setSummary] = useState<AgentQualitySummary | null>(null);
  useEffect(() => {
    let live = true;
    fetch(`/reviews/agents/${encodeURIComponent(agentId)}/summary`, { headers: { accept: "application/json" } })
      .then((res) => (res.ok ? (res.json() as Promise<AgentQualitySummary>) : null))
      .then((value) => live && setSummary(value))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [agentId]);
  if (!summary) return null;
  return (
    <Link
      to={`/reviews/agents/${encodeURIComponent(agentId)}`}
      className={`inline-flex items-center gap-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 ${className}`}
      title={`${agentId}, ${summary.range.from} to ${summary.range.to}: ${summary.replies} replies, latency p50 ${ms(summary.p50)} / p95 ${ms(summary.p95)}, ${pct(summary.abortShare)} aborted, ${pct(summary.badShare)} of ${summary.reviews} reviews bad, ${pct(summary.takeoverRate)} of sessions taken over`}
      data-testid="agent-quality-badge"
    >
      <span>p95 {ms(summary.p95)}</span>
      <span>{pct(summary.badShare)} bad</span>
      <span>{pct(summary.takeoverRate)} taken over</span>
    </Link>
  );
}
