// What one hostile message costs the session view, against the dev server: a megabyte of markdown claiming to
// be the AI, content and metadata nested 2,000 levels deep, forged operator metadata from the end user, and
// an agent message claiming an operator the Console never sent — beside a real operator send through the
// takeover route (the send ledger). The loader's answer must encode (turbo-stream overflowed at ~1,000
// levels), stay small, carry authorship from the sender id and the ledger, and render on the server.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { encode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measure } from "~/messages/bounds";
import { replyContext, requireReply } from "~/reviews/reviews.server";
import { recordReplies } from "~/reviews/reply-index.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { loader } from "~/routes/sessions.$id";
import { loader as fullMessage } from "~/routes/sessions.$id.messages.$seq";
import { MessageView } from "~/sessions/components/message-view";
import type { SessionView } from "~/sessions/session-view.server";
import type { ViewMessage } from "~/sessions/types";
import { MEGABYTE_MARKDOWN, postHostileMessages, type HostileSeqs } from "../support/hostile-messages";
import { takeover } from "../takeover/support";
import { startFleetlm } from "./fleetlm-fixture";

const USER = "mallory";
const AGENT = "agent-x";
let server: FleetlmDevServer;
let rest: FleetLMRest;
let olga: TestOperator;
let sessionId: string;
let seqs: HostileSeqs & { operator: number; agentClaim: number };

async function encodes(value: unknown): Promise<number> {
  const reader = encode(value).getReader();
  let bytes = 0;
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) return bytes;
    bytes += chunk.length;
  }
}

const open = async (query = "") =>
  call(() => loader({ request: request(`/sessions/${sessionId}${query}`, { as: olga }), params: { id: sessionId }, context: {} }));
const bySeq = (body: unknown) => new Map((body as SessionView).history!.messages.map((m) => [m.seq, m]));

beforeAll(async () => {
  ({ server, rest } = await startFleetlm());
  olga = await makeOperator("operator", { name: "Olga Ops" });
  const session = await rest.createSession({ userId: USER, agentId: AGENT });
  sessionId = session.id;
  await rest.appendMessage(sessionId, { userId: USER, content: { text: "hi" } });
  const hostile = await postHostileMessages(rest, sessionId, USER);
  expect((await takeover(olga, sessionId, { intent: "claim" })).status).toBe(200);
  const sent = await takeover(olga, sessionId, { intent: "send", clientMessageId: randomUUID(), body: "A real operator here." });
  expect(sent.status).toBe(200);
  const agentClaim = await rest.appendMessage(sessionId, {
    agentId: AGENT,
    content: { text: "claims a human" },
    metadata: { source: "operator", operator_name: "Olga Ops" },
  });
  seqs = { ...hostile, operator: (sent.body as { seq: number }).seq, agentClaim: agentClaim.seq };
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe("the session loader with hostile messages", () => {
  it("answers 200 with a page that turbo-stream encodes, small whatever the messages hold", async () => {
    for (const query of ["", "?part=messages", `?seq=${seqs.deep}`]) {
      const res = await open(query);
      expect(res.status).toBe(200);
      const bytes = await encodes(res.body);
      expect(bytes).toBeLessThan(400_000); // the page holds a megabyte message and two 2,000-level ones
    }
  });

  it("cuts the megabyte to the bound, and says so", async () => {
    const big = bySeq((await open()).body).get(seqs.bigMarkdown)!;
    expect(measure(big.content).chars).toBeLessThan(30_000);
    expect(big.omitted?.content).toEqual([{ path: ["parts", 0, "text"], kind: "text", chars: MEGABYTE_MARKDOWN.length, kept: 20_000 }]);
  });

  it("summarises deep content and metadata", async () => {
    const page = bySeq((await open()).body);
    expect(page.get(seqs.deep)!.omitted?.content.map((o) => o.kind)).toEqual(["depth"]);
    expect(page.get(seqs.deepMetadata)!.omitted?.metadata.map((o) => o.kind)).toEqual(["depth"]);
  });

  it("takes authorship from the sender id and the send ledger, never from metadata", async () => {
    const page = bySeq((await open()).body);
    expect(page.get(seqs.bigMarkdown)!.author).toMatchObject({ role: "user", suspicious: expect.stringMatching(/AI reply.*end user/) });
    expect(page.get(seqs.forgedOperator)!.author).toMatchObject({ role: "user", suspicious: expect.stringMatching(/operator.*end user/) });
    expect(page.get(seqs.operator)!.author).toEqual({ role: "operator", operatorName: "Olga Ops", suspicious: null });
    expect(page.get(seqs.agentClaim)!.author).toMatchObject({ role: "agent", suspicious: expect.stringMatching(/no record/) });
    expect(page.get(1)!.author).toEqual({ role: "user", suspicious: null });
  });

  it("renders every message on the server, the megabyte as plain cut text", async () => {
    const body = (await open()).body as SessionView;
    const html = body.history!.messages.map((m: ViewMessage) => renderToString(createElement(MessageView, { message: m, session: body.session }))).join("\n");
    const big = renderToString(createElement(MessageView, { message: bySeq(body).get(seqs.bigMarkdown)!, session: body.session }));
    expect(big).not.toContain("<strong>");
    expect(big).toContain("Show all");
    expect(html).toContain("Operator · Olga Ops");
    expect(html).not.toContain("Operator · Admin");
    expect(html.length).toBeLessThan(400_000);
  });
});

describe("the whole message, on demand", () => {
  const get = (seq: string | number, as: TestOperator | null = olga) =>
    call(() => fullMessage({ request: request(`/sessions/${sessionId}/messages/${seq}`, { as }), params: { id: sessionId, seq: String(seq) }, context: {} }));

  it("answers the full text and the deep content as JSON", async () => {
    const big = await get(seqs.bigMarkdown);
    expect(big.status).toBe(200);
    expect((big.body as { content: { parts: { text: string }[] } }).content.parts[0]!.text).toBe(MEGABYTE_MARKDOWN);
    const deep = await get(seqs.deep);
    expect(deep.status).toBe(200);
    expect(JSON.stringify((deep.body as { content: unknown }).content).length).toBeGreaterThan(2_000 * 5);
  });

  it("answers 404 for a missing seq, a bad seq or an unknown session, and needs a sign-in", async () => {
    expect((await get(99_999)).status).toBe(404);
    expect((await get("abc")).status).toBe(404);
    const unknown = await call(() =>
      fullMessage({ request: request(`/sessions/nope/messages/1`, { as: olga }), params: { id: "nope", seq: "1" }, context: {} }),
    );
    expect(unknown.status).toBe(404);
    expect((await get(1, null)).status).toBe(302);
  });
});

describe("reviews and figures", () => {
  it("bounds the review context and takes its roles from authorship", async () => {
    const context = await replyContext(sessionId, seqs.operator, 10);
    const bySeqCtx = new Map(context!.messages.map((m) => [m.seq, m]));
    expect(bySeqCtx.get(seqs.bigMarkdown)).toMatchObject({ role: "user", fullLength: MEGABYTE_MARKDOWN.length, suspicious: expect.any(String) });
    expect(bySeqCtx.get(seqs.bigMarkdown)!.text.length).toBe(20_000);
    expect(bySeqCtx.get(seqs.forgedOperator)).toMatchObject({ role: "user" });
    expect(bySeqCtx.get(seqs.operator)).toMatchObject({ role: "operator", suspicious: null });
  });

  it("indexes only the operator's real reply: no forged AI reply, no forged operator reply", async () => {
    const all = await fleetlm().listMessages(sessionId, { afterSeq: 0, limit: 100 });
    await recordReplies({ id: sessionId, agentId: AGENT }, all);
    const rows = await (await db()).replyIndex.findMany({ where: { sessionId }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => ({ seq: r.seq, byOperator: r.byOperator }))).toEqual([{ seq: seqs.operator, byOperator: true }]);
    await expect(requireReply(sessionId, seqs.bigMarkdown)).rejects.toMatchObject({ status: 404 });
  });
});
