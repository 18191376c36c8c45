// Datasets of reviewed replies: each item copies the conversation up to the reply, the reply, the scores (with
// their config versions) and an auditor's corrected answer, at the time it is added (FleetLM history can move
// on; the dataset must not). Exported streamed as JSONL in OpenAI's chat fine-tuning format, or as CSV; both
// can carry the final values an admin adjudicated, looked up when the file is written (ADR 115).
import type { z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db } from "~/db.server";
import { RATING_KEY } from "../agreement/agreement.server";
import { adjudicatedValues, FINAL_COLUMNS, finalCells, type FinalValue } from "../agreement/final-values.server";
import { csvStream, keysetBatches, type Cell } from "../csv.server";
import { labelNames, REVIEW_LABELS } from "../labels.server";
import { replyContext } from "../reviews.server";
import type { DatasetFormSchema, DatasetItemFormSchema } from "./dataset-forms";
import { isUniqueViolation } from "~/lib/db-errors.server";

export const MAX_CONTEXT = 200;
const BATCH = 500;

export class DatasetError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type ChatMessage = { role: "user" | "assistant"; content: string };

export async function createDataset(actor: NonNullable<AuditActor>, input: z.output<typeof DatasetFormSchema>, ip?: string) {
  const prisma = await db();
  try {
    return await prisma.$transaction(async (tx) => {
      const dataset = await tx.dataset.create({ data: { ...input, createdById: actor.id } });
      await audit({ actor, action: "dataset.create", targetType: "dataset", targetId: dataset.id, details: { name: dataset.name }, ip }, tx);
      return dataset;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DatasetError(400, "name", "A dataset with that name exists.");
    throw error;
  }
}

export async function getDataset(datasetId: string) {
  return (await db()).dataset.findUnique({ where: { id: datasetId } });
}

export async function listDatasets() {
  const prisma = await db();
  const [rows, counts] = await Promise.all([
    prisma.dataset.findMany({ orderBy: { createdAt: "desc" } }),
    prisma.datasetItem.groupBy({ by: ["datasetId"], _count: { _all: true } }),
  ]);
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    description: d.description,
    createdAt: d.createdAt.toISOString(),
    items: counts.find((c) => c.datasetId === d.id)?._count._all ?? 0,
  }));
}

/**
 * Adds a reviewed reply (someone's review must exist) with the conversation up to it read from FleetLM now.
 * Adding it again replaces the item (a newer correction). FleetLM down → 503, nothing written.
 */
export async function addToDataset(actor: NonNullable<AuditActor>, datasetId: string, input: z.output<typeof DatasetItemFormSchema>, ip?: string) {
  const prisma = await db();
  const dataset = await prisma.dataset.findUnique({ where: { id: datasetId } });
  if (!dataset) throw new Response("No such dataset.", { status: 404 });
  const reviews = await prisma.review.findMany({
    where: { sessionId: input.sessionId, seq: input.seq },
    orderBy: { updatedAt: "desc" },
    include: { scores: { include: { config: { select: { version: true } } } }, reviewer: { select: { name: true } }, ...REVIEW_LABELS },
  });
  if (reviews.length === 0) throw new DatasetError(400, "seq", "Only reviewed replies go into a dataset: review it first.");
  const context = await replyContext(input.sessionId, input.seq, MAX_CONTEXT);
  if (!context) throw new DatasetError(503, "form", "FleetLM is unreachable, so the conversation cannot be copied right now. Try again in a moment.");
  const reply = context.messages.find((m) => m.seq === input.seq);
  if (!reply) throw new DatasetError(404, "seq", "FleetLM has no message at that seq.");
  const messages: ChatMessage[] = context.messages
    .filter((m) => m.seq < input.seq && m.text.trim() !== "" && (m.role === "user" || m.role === "agent" || m.role === "operator"))
    .map((m) => ({ role: m.role === "user" ? "user" : "assistant", content: m.text }));
  const mine = reviews.find((r) => r.reviewerId === actor.id) ?? reviews[0]!;
  const scores = Object.fromEntries(mine.scores.map((s) => [s.key, { value: s.value, version: s.config.version }]));
  const data = {
    datasetId,
    sessionId: input.sessionId,
    seq: input.seq,
    reviewId: mine.id,
    messages: JSON.stringify(messages),
    reply: reply.text,
    corrected: input.corrected ?? null,
    rating: mine.rating,
    scores: JSON.stringify({
      reviewer: mine.reviewer.name,
      labels: labelNames(mine),
      values: scores,
      contextTruncated: context.hasMoreBefore,
    }),
    addedById: actor.id,
  };
  return prisma.$transaction(async (tx) => {
    const item = await tx.datasetItem.upsert({
      where: { datasetId_sessionId_seq: { datasetId, sessionId: input.sessionId, seq: input.seq } },
      create: data,
      update: { ...data, addedAt: new Date() },
    });
    await audit(
      {
        actor,
        action: "dataset.add",
        targetType: "dataset",
        targetId: datasetId,
        details: { sessionId: input.sessionId, seq: input.seq, reviewId: mine.id, corrected: Boolean(input.corrected), messages: messages.length },
        ip,
      },
      tx,
    );
    return item;
  });
}

type ItemRow = {
  id: string;
  sessionId: string;
  seq: number;
  messages: string;
  reply: string;
  corrected: string | null;
  rating: string | null;
  scores: string;
  addedAt: Date;
};

function itemPages(datasetId: string) {
  return keysetBatches(
    async (after: string | undefined, size) =>
      (await db()).datasetItem.findMany({ where: { datasetId, ...(after ? { id: { gt: after } } : {}) }, orderBy: { id: "asc" }, take: size }) as Promise<
        ItemRow[]
      >,
    (row) => row.id,
    BATCH,
  );
}

/** One training example: the conversation, then the assistant's answer (the correction when there is one). */
export function toChatExample(item: Pick<ItemRow, "messages" | "reply" | "corrected">): { messages: ChatMessage[] } {
  return { messages: [...(JSON.parse(item.messages) as ChatMessage[]), { role: "assistant", content: item.corrected ?? item.reply }] };
}

type ItemMeta = { labels?: string[]; values?: Record<string, { value: string; version: number }> };
const ownScores = (meta: ItemMeta) => Object.entries(meta.values ?? {}).map(([key, v]) => ({ key, value: v.value, version: v.version }));

/**
 * What a `meta=1` JSONL line carries besides the example: the item's rating and scores as copied, and the final
 * ones where an admin adjudicated the reply (looked up at export time, so a later decision shows).
 */
function exampleMetadata(item: ItemRow, decided: Map<string, FinalValue> | undefined) {
  const meta = JSON.parse(item.scores) as ItemMeta;
  const scores = Object.fromEntries(ownScores(meta).map((s) => [s.key, s.value]));
  const finalScores = { ...scores };
  for (const d of decided?.values() ?? []) if (d.key !== RATING_KEY) finalScores[d.key] = d.value;
  return {
    session_id: item.sessionId,
    seq: item.seq,
    rating: item.rating,
    final_rating: decided?.get(RATING_KEY)?.value ?? item.rating,
    labels: meta.labels ?? [],
    scores,
    final_scores: finalScores,
    adjudicated: [...(decided?.values() ?? [])].map((d) => ({ key: d.key, value: d.value, by: d.by, at: d.at.toISOString() })),
  };
}

/**
 * JSONL, one `{"messages": [...]}` per line (OpenAI's chat fine-tuning format, nothing else on the line), pulled
 * batch by batch as the client reads. With `metadata`, each line also has a "metadata" object (for analysis, not
 * for upload as it is).
 */
export function datasetJsonl(datasetId: string, options: { metadata?: boolean } = {}): ReadableStream<Uint8Array> {
  const pages = itemPages(datasetId);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      const finals = options.metadata ? await adjudicatedValues(next.value) : null;
      const line = (item: ItemRow) =>
        JSON.stringify(finals ? { ...toChatExample(item), metadata: exampleMetadata(item, finals.get(`${item.sessionId}:${item.seq}`)) } : toChatExample(item));
      controller.enqueue(encoder.encode(next.value.map((item) => `${line(item)}\n`).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

// The final-value columns last, as in the reviews export: rating and scores are the item's as copied.
export const DATASET_COLUMNS = [
  "item_id",
  "session_id",
  "seq",
  "added_at",
  "rating",
  "labels",
  "scores",
  "reply",
  "corrected",
  "conversation_json",
  ...FINAL_COLUMNS,
];

export function datasetCsv(datasetId: string): ReadableStream<Uint8Array> {
  async function* rows(): AsyncGenerator<Cell[][]> {
    for await (const batch of itemPages(datasetId)) {
      const finals = await adjudicatedValues(batch);
      yield batch.map((item) => {
        const meta = JSON.parse(item.scores) as ItemMeta;
        const own = ownScores(meta);
        const scores = own.map((v) => `${v.key}=${v.value} (v${v.version})`).join("; ");
        return [
          item.id,
          item.sessionId,
          item.seq,
          item.addedAt,
          item.rating,
          (meta.labels ?? []).join("; "),
          scores,
          item.reply,
          item.corrected,
          item.messages,
          ...finalCells({ rating: item.rating, scores: own }, finals.get(`${item.sessionId}:${item.seq}`)),
        ];
      });
    }
  }
  return csvStream(DATASET_COLUMNS, rows());
}

export async function datasetSize(datasetId: string) {
  return (await db()).datasetItem.count({ where: { datasetId } });
}
