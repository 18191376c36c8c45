// One agent's score values per day as JSON (the series the quality page charts). Stricter than the page: a
// date that is not a real day, a range over 366 days or an unknown score is refused rather than replaced.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guards.server";
import { dayProblems } from "~/lib/calendar-day";
import { parseAgentRange } from "~/reviews/quality.server";
import { SCORE_KEY } from "~/reviews/queue.server";
import { scoresOverTime } from "~/reviews/scores-over-time.server";
import { currentScoreConfigs } from "~/reviews/scores/score-configs.server";

const MAX_DAYS = 366;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:read");
  const search = new URL(request.url).searchParams;
  const problems = dayProblems(search, ["from", "to"]);
  const key = search.get("key");
  if (key !== null && !SCORE_KEY.safeParse(key).success) problems.push(`"key" must be a score key (got ${JSON.stringify(key.slice(0, 40))}).`);
  if (problems.length) return Response.json({ error: `Bad parameters: ${problems.join(" ")}`, problems }, { status: 400 });
  const { agentId, range } = parseAgentRange(request, params.agentId);
  // The page's own bound (it shortens a longer range; here it is refused).
  if (Date.parse(range.to) - Date.parse(range.from) > MAX_DAYS * 86_400_000) {
    return Response.json(
      { error: `At most ${MAX_DAYS} days from "from" to "to".`, problems: [`${range.from} – ${range.to} spans more than ${MAX_DAYS} days.`] },
      { status: 400 },
    );
  }
  if (key !== null && !(await currentScoreConfigs([key])).length) return Response.json({ error: `No current score "${key}".` }, { status: 404 });
  return Response.json(await scoresOverTime(agentId, range, key ?? undefined), { headers: { "Cache-Control": "private, no-store" } });
}
