// @vitest-environment jsdom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Linkified } from "~/notes/linkify";

afterEach(cleanup);

describe("note bodies", () => {
  it("link http(s) URLs, leave trailing punctuation out and keep everything else as text", () => {
    const { container } = render(<Linkified text={"See https://example.com/a?b=1, then **bold** <b>x</b>\nnext line (http://x.example/y)."} />);
    const links = [...container.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://example.com/a?b=1", "http://x.example/y"]);
    expect(links.every((a) => a.rel.includes("noopener"))).toBe(true);
    expect(container.querySelector("b, strong")).toBeNull();
    expect(container.textContent).toBe("See https://example.com/a?b=1, then **bold** <b>x</b>\nnext line (http://x.example/y).");
  });

  it("never links javascript: or data: URLs and never renders markup", () => {
    const { container } = render(
      <Linkified text={"javascript:alert(1) data:text/html,<script>alert(1)</script> <img src=x onerror=alert(1)> https://ok.example"} />,
    );
    expect([...container.querySelectorAll("a")].map((a) => a.getAttribute("href"))).toEqual(["https://ok.example/"]);
    expect(container.querySelector("script, img")).toBeNull();
  });
});
