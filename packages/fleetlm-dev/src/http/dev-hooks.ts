// Test hooks that FleetLM does not have, outside its /api namespace and only where they make sense.
// `POST /_dev/storage/lose` (real storage only): `{"session_id": "…", "seqs": [12, 13, 14]}` makes FleetLM lose
// exactly those seqs (RealStorage.lose), for browser tests that need a loss at known seqs from another process.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RealStorage } from "../store/real-storage.js";
import type { Store } from "../store/types.js";
import { readBody } from "./params.js";
import { sendJson } from "./respond.js";

export const LOSE_PATH = "/_dev/storage/lose";

export function createLoseHook(store: Store, model: RealStorage) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== LOSE_PATH || req.method !== "POST") return false;
    let body: { session_id?: unknown; seqs?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString("utf8")) as typeof body;
    } catch {
      sendJson(req, res, 400, { errors: { detail: "body must be JSON: {session_id, seqs}" } });
      return true;
    }
    const { session_id: sessionId, seqs } = body ?? {};
    if (typeof sessionId !== "string" || !Array.isArray(seqs) || !seqs.every((s) => Number.isInteger(s) && s > 0)) {
      sendJson(req, res, 400, { errors: { detail: "expected {session_id: string, seqs: positive integers}" } });
      return true;
    }
    if (!store.getSession(sessionId)) {
      sendJson(req, res, 404, { errors: { detail: "Not Found" } });
      return true;
    }
    sendJson(req, res, 200, { session_id: sessionId, lost: model.lose(sessionId, seqs as number[]) });
    return true;
  };
}
