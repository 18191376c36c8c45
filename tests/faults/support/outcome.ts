// Runs a loader or action and reports what a browser would get: status and body, or the non-Response
// error it threw (which Remix would turn into a 500). `shape` says what the function gave back: only a
// "response" keeps its status from a resource route (Remix sends anything else as JSON with status 200).
export type Outcome = {
  status: number;
  body: unknown;
  thrown?: unknown;
  /** The loader answered a Response of its own (not data for Remix to encode). */
  response?: boolean;
  shape: "response" | "data" | "value";
  location?: string | null;
};

export async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  let value: unknown;
  let thrown = false;
  try {
    value = await fn();
  } catch (error) {
    value = error;
    thrown = true;
  }
  if (value instanceof Response) {
    if (value.headers.get("content-type")?.includes("text/event-stream")) {
      await value.body?.cancel().catch(() => {});
      return { status: value.status, body: "(event stream)", response: true, shape: "response" };
    }
    const text = await value.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the body
    }
    return { status: value.status, body, response: true, shape: "response", location: value.headers.get("location") };
  }
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init?: ResponseInit | null };
    return { status: init?.status ?? 200, body: data, shape: "data" };
  }
  if (thrown) return { status: -1, body: null, thrown: value, shape: "value" };
  return { status: 200, body: value, shape: "value" };
}
