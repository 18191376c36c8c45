// FleetLM's address rules, as the protocol's examples (§8.3) and the socket's place state them.
import { describe, expect, it } from "vitest";
import { socketUrlFor, webhookUrl } from "../src/urls.js";

describe("socketUrlFor", () => {
  it.each([
    ["http://localhost:4000", "ws://localhost:4000/socket"],
    ["https://fleetlm.example", "wss://fleetlm.example/socket"],
    ["https://fleetlm.example/base/", "wss://fleetlm.example/base/socket"],
    ["http://127.0.0.1:4100/?token=x", "ws://127.0.0.1:4100/socket"],
  ])("%s → %s", (http, ws) => {
    expect(socketUrlFor(http)).toBe(ws);
  });
});

describe("webhookUrl", () => {
  it.each([
    ["https://api.example.com/base", "/webhook", "https://api.example.com/base/webhook"],
    ["https://api.example.com/base/nested", "callback", "https://api.example.com/base/nested/callback"],
    ["http://localhost:3000", "/api/fleetlm/webhook", "http://localhost:3000/api/fleetlm/webhook"],
    ["http://localhost:3000/?drop=me", "/hook?keep=1#frag", "http://localhost:3000/hook?keep=1#frag"],
    ["http://localhost:3000/base/", "/hook", "http://localhost:3000/base/hook"],
    ["http://localhost:3000", "https://elsewhere.example/hook", "https://elsewhere.example/hook"],
    ["https://api.example.com/base", "//hooks.example.net/agent", "https://hooks.example.net/agent"],
  ])("%s + %s → %s", (origin, path, expected) => {
    expect(webhookUrl(origin, path)).toBe(expected);
  });
});
