import type { AppLoadContext } from "@remix-run/node";

/** The client's address as seen by our express server (server.mjs); "unknown" under `vite dev` and in tests. */
export function clientIp(context: AppLoadContext | undefined): string {
  const ip = (context as { clientIp?: unknown } | undefined)?.clientIp;
  return typeof ip === "string" && ip ? ip : "unknown";
}
