// One signed-in operator for benches that call the Console's loaders in process.
import type { Role } from "../../app/lib/vocabulary";

/**
 * Creates the bench's operator and signs them in; returns their id and session cookie. The app's modules read
 * the environment on first use, so they are imported only here, after the caller has set it.
 */
export async function benchOperator(role: Role = "operator"): Promise<{ id: string; cookie: string }> {
  const { lucia } = await import("../../app/auth/lucia.server");
  const { createOperator } = await import("../../app/operators/operators.server");
  const operator = await createOperator({ email: "bench@example.test", name: "Bench", role, password: "bench password 123" }, null);
  const authSession = await lucia().createSession(operator.id, { createdAt: new Date() });
  return { id: operator.id, cookie: `${lucia().sessionCookieName}=${authSession.id}` };
}
