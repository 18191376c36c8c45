// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";
import { Composer } from "~/takeover/components/composer";

afterEach(cleanup);

type Sent = { intent: string; clientMessageId?: string; body?: string };

/** Renders the composer under a router whose takeover action answers from `answers` in turn. */
function setup(answers: Array<{ status: number; body: unknown }>) {
  const sent: Sent[] = [];
  let release: (() => void) | null = null;
  const router = createMemoryRouter(
    [
      {
        path: "/",
        element: (
          <Composer
            sessionId="s1"
            agentId="bot"
            url="/sessions/s1/takeover"
            cannedReplies={[
              { id: "c1", title: "Greeting", body: "Hello from a human!" },
              { id: "c2", title: "Bye", body: "Goodbye!" },
            ]}
          />
        ),
      },
      {
        path: "/sessions/s1/takeover",
        action: async ({ request }) => {
          const form = Object.fromEntries(await request.formData()) as Sent;
          sent.push(form);
          if (form.intent !== "send") return Response.json({ ok: true, intent: form.intent });
          if (release === null) await new Promise<void>((resolve) => (release = resolve)); // held until the test lets go
          release = null;
          const answer = answers.shift() ?? { status: 200, body: { ok: true, intent: "send", seq: 1 } };
          return Response.json(answer.body, { status: answer.status });
        },
      },
    ],
    { initialEntries: ["/"] },
  );
  render(<RouterProvider router={router} />);
  const letGo = async () => {
    await waitFor(() => expect(release).not.toBeNull());
    act(() => release!());
  };
  return { sent, letGo, box: screen.getByLabelText(/Reply as the agent/) as HTMLTextAreaElement };
}

describe("composer", () => {
  it("is double-click safe and keeps the draft and its client id when a send fails", async () => {
    const { sent, letGo, box } = setup([{ status: 502, body: { ok: false, intent: "send", status: "failed", reason: "FleetLM refused the message (500)." } }]);
    fireEvent.change(box, { target: { value: "Hello, human here" } });
    const send = screen.getByRole("button", { name: "Send as agent" });
    fireEvent.click(send);
    fireEvent.click(send); // double-click while the first is in flight
    await letGo();
    expect((await screen.findByRole("alert")).textContent).toContain("Not sent: FleetLM refused the message (500).");
    expect(box.value).toBe("Hello, human here");
    const sends = sent.filter((s) => s.intent === "send");
    expect(sends).toHaveLength(1);

    fireEvent.click(screen.getByRole("button", { name: "Retry send" }));
    await letGo();
    await waitFor(() => expect(box.value).toBe(""));
    const retried = sent.filter((s) => s.intent === "send");
    expect(retried).toHaveLength(2);
    expect(retried[1]!.clientMessageId).toBe(retried[0]!.clientMessageId);
    expect(screen.queryByRole("alert")).toBeNull();

    // The next draft gets a new id.
    fireEvent.change(box, { target: { value: "Second message" } });
    fireEvent.click(screen.getByRole("button", { name: "Send as agent" }));
    await letGo();
    await waitFor(() => expect(box.value).toBe(""));
    const all = sent.filter((s) => s.intent === "send");
    expect(all[2]!.clientMessageId).not.toBe(all[0]!.clientMessageId);
  });

  it("names the textarea's error: a blank draft by the schema, a refusal by the server; nothing blank is sent", async () => {
    const { sent, letGo, box } = setup([{ status: 409, body: { ok: false, intent: "send", reason: "You do not hold this session: Bob does." } }]);
    fireEvent.change(box, { target: { value: "   " } });
    fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    const blank = await screen.findByRole("alert");
    expect(blank.textContent).toBe("Write a message first");
    expect(box.getAttribute("aria-invalid")).toBe("true");
    expect(box.getAttribute("aria-describedby")?.split(" ")).toContain(blank.id);
    expect(sent.filter((s) => s.intent === "send")).toHaveLength(0);
    // Typing clears it; the server's refusal is named the same way.
    fireEvent.change(box, { target: { value: "too late" } });
    expect(box.getAttribute("aria-invalid")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Send as agent" }));
    await letGo();
    const refused = await screen.findByRole("alert");
    expect(refused.textContent).toContain("Bob does");
    expect(box.getAttribute("aria-describedby")?.split(" ")).toContain(refused.id);
  });

  it("shows a 409 refusal and keeps the draft", async () => {
    const { letGo, box } = setup([{ status: 409, body: { ok: false, intent: "send", reason: "You do not hold this session: Bob does." } }]);
    fireEvent.change(box, { target: { value: "too late" } });
    fireEvent.click(screen.getByRole("button", { name: "Send as agent" }));
    await letGo();
    expect((await screen.findByRole("alert")).textContent).toContain("Bob does");
    expect(box.value).toBe("too late");
  });

  it("'/' opens the canned replies; choosing one inserts its text", async () => {
    const { box } = setup([]);
    fireEvent.change(box, { target: { value: "/gree" } });
    const options = screen.getAllByRole("option");
    expect(options).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: /Greeting/ }));
    expect(box.value).toBe("Hello from a human!");
    expect(screen.queryByRole("listbox")).toBeNull();
    fireEvent.change(box, { target: { value: "/" } });
    expect(screen.getAllByRole("option")).toHaveLength(2);
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("Goodbye!");
  });

  it("will not send an empty draft", () => {
    const { box } = setup([]);
    fireEvent.change(box, { target: { value: "   " } });
    expect((screen.getByRole("button", { name: "Send as agent" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
