import { z } from "zod";

// FleetLM ids are 22-character slugs, but any path string is accepted there; refuse only what cannot be one.
const SessionIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/?#\s]+$/);

/** The route's session id, or a 404 for something that cannot be a FleetLM session id. */
export function parseSessionId(value: string | undefined): string {
  const result = SessionIdSchema.safeParse(value);
  if (!result.success) throw new Response("Session not found", { status: 404 });
  return result.data;
}
