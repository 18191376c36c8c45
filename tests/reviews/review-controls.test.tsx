// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReviewControls } from "~/reviews/components/review-controls";
import type { ReplyView } from "~/reviews/review-types";

afterEach(cleanup);

const me = { id: "op1", role: "auditor" };
let view: ReplyView;
let posts: URLSearchParams[];
let answer: { status: number; body: unknown };

beforeEach(() => {
  posts = [];
  answer = { status: 200, body: { ok: true, reviewId: "r1" } };
  view = {
    sessionId: "s1",
    seq: 4,
    labels: [
      { id: "l1", name: "tone", hotkey: "t" },
      { id: "l2", name: "policy", hotkey: "p" },
    ],
    state: { indexed: true, termination: "finish", latencyMs: 900, byOperator: false, flagged: null, reviewCount: 0, conflict: null, mine: null },
  };
  vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
    expect(url).toBe("/reviews/s1/4");
    if (init?.method === "POST") {
      const body = new URLSearchParams(String(init.body));
      posts.push(body);
      if (answer.status === 200) {
        if (body.get("intent") === "review") {
          view.state.mine = {
            id: "r1",
            rating: body.get("rating") as "good" | "bad",
            labels: body.getAll("labels"),
            comment: body.get("comment") ?? "",
            updatedAt: new Date().toISOString(),
          };
          view.state.reviewCount = 1;
        }
        if (body.get("intent") === "flag") view.state.flagged = { at: new Date().toISOString(), byName: "Flo", byMe: true };
        if (body.get("intent") === "unflag") view.state.flagged = null;
      }
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
    }
    return new Response(JSON.stringify(view), { headers: { "content-type": "application/json" } });
  });
});

describe("<ReviewControls>", () => {
  it("rates with one click, then saves labels and a comment as an edit of the same review", async () => {
    render(<ReviewControls sessionId="s1" seq={4} me={me} />);
    const good = screen.getByRole("button", { name: "Good" });
    await waitFor(() => expect((good as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(good);
    await waitFor(() => expect(screen.getByText("1 review")).toBeTruthy());
    expect(posts[0]!.get("intent")).toBe("review");
    expect(posts[0]!.get("rating")).toBe("good");
    expect(good.getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(screen.getByRole("button", { name: /Labels · comment/ }));
    fireEvent.click(screen.getByLabelText("policy"));
    fireEvent.change(screen.getByLabelText("Comment"), { target: { value: "quotes the wrong policy" } });
    fireEvent.click(screen.getByRole("button", { name: "Save review" }));
    await waitFor(() => expect(posts.length).toBe(2));
    expect(posts[1]!.getAll("labels")).toEqual(["policy"]);
    expect(posts[1]!.get("comment")).toBe("quotes the wrong policy");
    expect(posts[1]!.get("rating")).toBe("good");
    await waitFor(() => expect(screen.getByRole("button", { name: /Labels · comment \(1, 💬\)/ })).toBeTruthy());
  });

  it("flags and unflags, and shows the server's error when a save is refused", async () => {
    render(<ReviewControls sessionId="s1" seq={4} me={me} />);
    const flag = await screen.findByRole("button", { name: "Flag for review" });
    await waitFor(() => expect((flag as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(flag);
    const flagged = await screen.findByRole("button", { name: "Flagged" });
    expect(flagged.getAttribute("title")).toMatch(/Flagged by Flo/);
    fireEvent.click(flagged);
    await screen.findByRole("button", { name: "Flag for review" });
    expect(posts.map((p) => p.get("intent"))).toEqual(["flag", "unflag"]);

    answer = { status: 503, body: { status: "error", error: { "": ["FleetLM is unreachable, so the reply cannot be read right now."] } } };
    fireEvent.click(screen.getByRole("button", { name: "Bad" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert.parentElement!).getByText(/FleetLM is unreachable/)).toBeTruthy();
  });
});
