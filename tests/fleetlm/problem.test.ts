// FleetLM failures as operators read them: one sentence, never FleetLM's private address or errno text, for every
// failure the client can raise (real errors from the dev server's fault modes and a dead port).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { fleetlmFailureSentence, fleetlmProblem } from "~/fleetlm/problem";

let server: FleetlmDevServer;
let deadUrl: string;

beforeAll(async () => {
  server = await startFleetlmDev({ port: 0 });
  const dead = await startFleetlmDev({ port: 0 });
  deadUrl = dead.url;
  await dead.close();
});
afterAll(() => server.close());

async function failure(run: (rest: FleetLMRest) => Promise<unknown>, baseUrl = server.url, timeoutMs = 2_000): Promise<unknown> {
  try {
    await run(new FleetLMRest({ baseUrl, timeoutMs, retries: 0 }));
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

function readable(text: string) {
  expect(text).not.toMatch(/https?:|127\.0\.0\.1|localhost|ECONN|fetch failed|\/api\//);
  expect(text).toMatch(/^FleetLM [^\n]+\.$/);
}

describe("fleetlmProblem", () => {
  it("a dead port: could not be reached", async () => {
    const error = await failure((rest) => rest.listAgents(), deadUrl);
    expect(String((error as Error).message)).toContain("127.0.0.1"); // what the client says (for the log)…
    expect(fleetlmProblem(error)).toBe("FleetLM could not be reached."); // …and what an operator reads
  });

  it("500, 429, slow and garbage answers each get their own sentence", async () => {
    const cases: [Parameters<FleetlmDevServer["faults"]["set"]>[0], RegExp][] = [
      [{ mode: "error500" }, /^FleetLM had an internal error \(500\)\.$/],
      [{ mode: "rate429", retryAfterS: 1 }, /^FleetLM is busy/],
      [{ mode: "slow", delayMs: 1_500 }, /^FleetLM did not answer in time\.$/],
      [{ mode: "garbage" }, /^FleetLM sent an answer the Console could not read\.$/],
    ];
    try {
      for (const [fault, expected] of cases) {
        server.faults.set(fault);
        const error = await failure((rest) => rest.listAgents(), server.url, 500);
        const text = fleetlmProblem(error);
        expect(text).toMatch(expected);
        readable(text);
      }
    } finally {
      server.faults.set({ mode: null });
    }
  });

  it("a 4xx keeps FleetLM's short code but nothing else", async () => {
    const error = await failure((rest) => rest.getSession("no-such-session"));
    expect(fleetlmProblem(error)).toMatch(/^FleetLM refused the request \(404(: [\w .:-]+)?\)\.$/);
  });

  it("the sentence says what it means and offers a retry", async () => {
    const error = await failure((rest) => rest.listAgents(), deadUrl);
    const text = fleetlmFailureSentence(error, "the message was not sent");
    expect(text).toBe("FleetLM could not be reached, so the message was not sent. Try again in a moment.");
    expect(text).not.toContain("127.0.0.1");
  });
});
