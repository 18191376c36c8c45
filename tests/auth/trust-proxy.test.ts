// TRUST_PROXY decides whose word express takes for the client's address (req.ip → the sign-in throttle, the
// audit log). It takes a hop count or the proxies' addresses; "trust every hop" is refused, because then the
// left-most X-Forwarded-For entry — which the client writes itself — would be its address.
// The express app here is configured exactly as server.mjs does it (trustProxySetting from the parsed env).
import { once } from "node:events";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-expect-error express ships no types here; server.mjs uses it untyped too
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "~/env.server";
import { parseTrustProxy } from "~/lib/trust-proxy.server";

describe("parseTrustProxy", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["0", false],
    ["false", false],
    ["1", 1],
    [" 2 ", 2],
    ["10.0.0.5", ["10.0.0.5"]],
    ["10.0.0.5, 192.168.0.0/16,loopback", ["10.0.0.5", "192.168.0.0/16", "loopback"]],
    ["::1, fd00::/8", ["::1", "fd00::/8"]],
  ])("reads %j as %j", (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it.each(["true", "TRUE", "yes", "*", "10.0.0.300", "10.0.0.0/33", "::1/129", "10.0.0.1/8/2", "proxy.example.com", "1.5", "-1", "21", ","])(
    "refuses %j",
    (value) => {
      expect(() => parseTrustProxy(value)).toThrow();
    },
  );

  it("stops the server at boot with a readable reason for a bad value", () => {
    expect(() => parseEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: "true" would trust every hop/);
    expect(() => parseEnv({ TRUST_PROXY: "10.0.0.300" })).toThrow(/TRUST_PROXY: not a hop count or a list/);
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
  });
});

// ---- through express ---------------------------------------------------------------------------------------

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** An express app set up like server.mjs, answering the address it believes is the client's. */
async function clientIpSeenWith(trustProxy: string | undefined) {
  const app = express();
  app.set("trust proxy", parseEnv({ TRUST_PROXY: trustProxy }).TRUST_PROXY);
  app.get("/", (req: { ip: string }, res: { send: (body: string) => void }) => res.send(req.ip));
  server = app.listen(0, "127.0.0.1") as Server;
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return (forwardedFor?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/", headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
      req.end();
    });
}

const SOCKET = /^(::ffff:)?127\.0\.0\.1$/;

describe("the client IP express derives", () => {
  it("is the socket's address when TRUST_PROXY is unset (X-Forwarded-For ignored)", async () => {
    const ip = await clientIpSeenWith(undefined);
    expect(await ip("203.0.113.9")).toMatch(SOCKET);
  });

  it("with a hop count of 1, is the address the one proxy saw — not what the client wrote left of it", async () => {
    const ip = await clientIpSeenWith("1");
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy (the socket here) appended the real address.
    expect(await ip("6.6.6.6, 198.51.100.7")).toBe("198.51.100.7");
    expect(await ip("198.51.100.7")).toBe("198.51.100.7");
    expect(await ip()).toMatch(SOCKET);
  });

  it("with a hop count of 2, goes back exactly two hops", async () => {
    const ip = await clientIpSeenWith("2");
    expect(await ip("6.6.6.6, 198.51.100.7, 10.0.0.2")).toBe("198.51.100.7");
  });

  it("with a list of proxies, skips only those addresses", async () => {
    const ip = await clientIpSeenWith("127.0.0.1, 10.0.0.0/8");
    expect(await ip("6.6.6.6, 198.51.100.7, 10.1.2.3")).toBe("198.51.100.7");
    // A forged entry that is not a trusted proxy stops the walk: the client cannot skip past itself.
    expect(await ip("6.6.6.6, 198.51.100.7")).toBe("198.51.100.7");
  });

  it("with a list that does not include the socket's address, ignores X-Forwarded-For", async () => {
    const ip = await clientIpSeenWith("10.0.0.5");
    expect(await ip("6.6.6.6")).toMatch(SOCKET);
  });
});
