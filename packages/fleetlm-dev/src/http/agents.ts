// /api/agents routes (§3.8): wrapped bodies, Ecto-style validation errors, soft delete.
import { agentJson } from "../core/render.js";
import type { AgentRow } from "../store/types.js";
import { nowMicros } from "../util/time.js";
import { agentChangeset } from "./agent-changeset.js";
import type { ApiResult, Handler } from "./context.js";
import { BadRequestError, isPlainObject } from "./params.js";

const notFound: ApiResult = { status: 404, body: { error: "Agent not found" } };

const byName = (a: AgentRow, b: AgentRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1);

export const listAgents: Handler = ({ store }, params) => {
  let agents = store.listAgents();
  if (params.status === "enabled" || params.status === "disabled") agents = agents.filter((a) => a.status === params.status);
  return { status: 200, body: { agents: agents.sort(byName).map(agentJson) } };
};

export const getAgent: Handler = ({ store }, params) => {
  const agent = store.getAgent(String(params.id));
  return agent ? { status: 200, body: { agent: agentJson(agent) } } : notFound;
};

/** No handler clause matches a body without an `agent` object, which Phoenix answers with 400. */
function wrapped(params: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(params.agent)) throw new BadRequestError();
  return params.agent;
}

export const createAgent: Handler = ({ store }, params) => {
  const attrs = wrapped(params);
  const result = agentChangeset({}, attrs);
  if (!result.ok) return { status: 422, body: { errors: result.errors } };
  if (store.getAgent(result.agent.id)) return { status: 422, body: { errors: { id: ["has already been taken"] } } };
  const now = nowMicros();
  const row: AgentRow = { ...result.agent, inserted_at: now, updated_at: now };
  store.insertAgent(row);
  return { status: 201, body: { agent: agentJson(row) } };
};

export const updateAgent: Handler = ({ store }, params) => {
  const existing = store.getAgent(String(params.id));
  const attrs = wrapped(params);
  if (!existing) return notFound;
  const result = agentChangeset(existing, attrs);
  if (!result.ok) return { status: 422, body: { errors: result.errors } };
  // The id itself may change (quirk 11); it must still be unique.
  if (result.agent.id !== existing.id && store.getAgent(result.agent.id)) {
    return { status: 422, body: { errors: { id: ["has already been taken"] } } };
  }
  const row: AgentRow = {
    ...result.agent,
    inserted_at: existing.inserted_at,
    updated_at: result.changed ? nowMicros() : existing.updated_at,
  };
  store.replaceAgent(existing.id, row);
  return { status: 200, body: { agent: agentJson(row) } };
};

export const disableAgent: Handler = ({ store }, params) => {
  const existing = store.getAgent(String(params.id));
  if (!existing) return notFound;
  const row: AgentRow = existing.status === "disabled" ? existing : { ...existing, status: "disabled", updated_at: nowMicros() };
  store.replaceAgent(existing.id, row);
  return { status: 200, body: { agent: agentJson(row), message: "Agent disabled" } };
};
