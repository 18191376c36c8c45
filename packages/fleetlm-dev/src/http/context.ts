// What route handlers get: the store and the append path. Handlers return a status and a body.
import type { Conversations } from "../core/conversations.js";
import type { Store } from "../store/types.js";
import type { Params } from "./params.js";

export interface ApiContext {
  store: Store;
  conversations: Conversations;
  quirks: boolean;
}

/** `body: undefined` with 204 means an empty response. A thrown error becomes a 500. */
export interface ApiResult {
  status: number;
  body?: unknown;
  /** Runs after the response is written (fan-out after an append). */
  after?: () => void;
}

export type Handler = (ctx: ApiContext, params: Params) => ApiResult;
