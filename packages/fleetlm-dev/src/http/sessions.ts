// /api/sessions routes (§3.1–§3.7), with FleetLM's validation order and error texts.
import { messageJson, sessionJson } from "../core/render.js";
import { newSlug } from "../util/ids.js";
import { inspect, inspectChangeset } from "../util/inspect.js";
import { leadingInt, positiveIntOr } from "../util/parse-int.js";
import { microsToIso, nowMicros } from "../util/time.js";
import type { ApiResult, Handler } from "./context.js";
import { isPlainObject } from "./params.js";

const notFound: ApiResult = { status: 404, body: { error: "Session not found" } };
const err422 = (error: string): ApiResult => ({ status: 422, body: { error } });

export const listSessions: Handler = ({ store }, params) => {
  const userId = params.user_id;
  // user_id[]=x reaches FleetLM's query as a list and raises (quirk 28).
  if (userId !== undefined && typeof userId !== "string") throw new Error("user_id must be a string");
  return { status: 200, body: { sessions: store.listSessions(userId, 50).map(sessionJson) } };
};

export const createSession: Handler = ({ store }, params) => {
  if (!("user_id" in params) || !("agent_id" in params)) return err422("user_id and agent_id are required");
  const errors: Array<[string, string]> = [];
  const changes: Record<string, unknown> = {};
  for (const field of ["user_id", "agent_id"] as const) {
    const v = params[field];
    if (v === null || v === "") errors.push([field, "can't be blank"]);
    else if (typeof v !== "string") errors.push([field, "is invalid"]);
    else changes[field] = v;
  }
  const metadata = "metadata" in params ? params.metadata : {};
  // "metadata": null passes Ecto's cast and then violates the NOT NULL column: FleetLM answers 500 (§13.3).
  if (metadata === null) throw new Error('null value in column "metadata" violates not-null constraint');
  if (!isPlainObject(metadata)) errors.push(["metadata", "is invalid"]);
  else changes.metadata = metadata;
  if (errors.length > 0) return err422(inspectChangeset(changes, errors));
  const now = nowMicros();
  const row = {
    id: newSlug(),
    user_id: params.user_id as string,
    agent_id: params.agent_id as string,
    status: "active" as const,
    metadata: metadata as Record<string, unknown>,
    inserted_at: now,
    updated_at: now,
  };
  store.createSession(row);
  return { status: 201, body: { session: sessionJson(row) } };
};

export const getSession: Handler = ({ store }, params) => {
  const session = store.getSession(String(params.id));
  return session ? { status: 200, body: { session: sessionJson(session) } } : notFound;
};

export const listMessages: Handler = ({ store, conversations }, params) => {
  const sessionId = String(params.session_id);
  if (!store.getSession(sessionId)) return notFound;
  const afterSeq = positiveIntOr(params.after_seq, 0);
  const limit = positiveIntOr(params.limit, 50);
  return { status: 200, body: { messages: conversations.reads.getMessages(sessionId, afterSeq, limit).map((m) => messageJson(m)) } };
};

const nonEmptyString = (v: unknown): v is string => typeof v === "string" && v !== "";

export const appendMessage: Handler = ({ store, conversations, quirks }, params) => {
  let senderId: string;
  if ("user_id" in params && "agent_id" in params) {
    return err422("Provide either user_id or agent_id when sending a message, not both");
  } else if (nonEmptyString(params.user_id)) senderId = params.user_id;
  else if (nonEmptyString(params.agent_id)) senderId = params.agent_id;
  else if ("sender_id" in params) return err422("sender_id is deprecated; use user_id or agent_id to identify the sender");
  else return err422("user_id or agent_id is required");

  const kind = "kind" in params ? params.kind : "text";
  if (!nonEmptyString(kind)) return err422("kind must be a non-empty string");
  if (!("content" in params)) return err422("content is required");
  if (!isPlainObject(params.content)) return err422("content must be a map");
  const metadata = "metadata" in params ? params.metadata : {};
  if (!isPlainObject(metadata)) return err422("metadata must be a map");

  const session = store.getSession(String(params.session_id));
  if (!session) return notFound;
  const row = conversations.append(session, { senderId, kind, content: params.content, metadata });
  // The response carries a fresh random id and "now", not the stored values (quirk 2).
  const message = quirks ? { ...messageJson(row, "micros"), id: newSlug(), inserted_at: microsToIso(nowMicros()) } : messageJson(row, "micros");
  return { status: 200, body: { message }, after: () => conversations.fanOut(session, row) };
};

export const markRead: Handler = ({ store }, params) => {
  if (!nonEmptyString(params.user_id)) {
    return err422(`%ArgumentError{message: ${inspect("user_id is required")}}`);
  }
  const parsed = leadingInt(params.last_seq);
  const sessionId = String(params.session_id);
  // The cursor is written before the session lookup, so an unknown session still gets a row (quirk 7).
  store.upsertCursor({ session_id: sessionId, user_id: params.user_id, last_seq: parsed !== null && parsed > 0 ? parsed : 0 });
  const session = store.getSession(sessionId);
  return session ? { status: 200, body: { session: sessionJson(session) } } : notFound;
};

export const archiveSession: Handler = ({ store }, params) => {
  const session = store.getSession(String(params.session_id));
  if (!session) return notFound;
  store.setSessionStatus(session.id, "archived", session.status === "archived" ? session.updated_at : nowMicros());
  return { status: 204 };
};
