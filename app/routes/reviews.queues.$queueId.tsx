// Working a review queue: one reply at a time (reserved to me while open), its conversation, the queue's
// scores with their rubrics, and the keyboard flow of the review queue.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { MessageView } from "~/sessions/components/message-view";
import { QueueWork } from "~/reviews/components/queue-work";
import { ReplyMessageView } from "~/reviews/components/reply-context";
import { listLabels } from "~/reviews/labels.server";
import { queueScoreConfigs } from "~/reviews/queues/queue-review.server";
import { queueProgress, requireQueueFor } from "~/reviews/queues/queues.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.queue.name ?? "Queue"} · Reviews · FleetLM Console` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:read");
  const queue = await requireQueueFor(z.string().min(1).max(64).catch("").parse(params.queueId), me);
  const [configs, labels, progress] = await Promise.all([queueScoreConfigs(queue), listLabels(), queueProgress(queue, me)]);
  return { queue, configs, labels, progress, mayAdjudicate: can(me, "reviews:manage") };
}

export default function QueuePage() {
  const { queue, configs, labels, progress, mayAdjudicate } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{queue.name}</h1>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {queue.reviewsNeeded} review{queue.reviewsNeeded > 1 ? "s" : ""} per reply · open items held {queue.reserveMinutes} min
        </span>
        <Link to={`/reviews/queues/${queue.id}/agreement`} className="text-sm text-blue-600 underline dark:text-blue-400">
          Agreement{mayAdjudicate ? " and adjudication" : ""}
        </Link>
        <Link to="/reviews" className="text-sm text-blue-600 underline dark:text-blue-400">
          All replies
        </Link>
      </div>
      {queue.description ? <p className="text-sm text-slate-600 dark:text-slate-300">{queue.description}</p> : null}
      <ReplyMessageView.Provider value={MessageView}>
        <QueueWork queueId={queue.id} configs={configs} labels={labels} initialProgress={progress} />
      </ReplyMessageView.Provider>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
