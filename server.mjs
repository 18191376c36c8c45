// Production server: Remix behind express, so loaders see the client IP (login throttling, audit log)
// and the gateway starts at boot instead of on the first request.
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// CONSOLE_BUILD_DIR: another build than ./build (npm run cluster runs one made for PostgreSQL), beside this file.
const buildDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.env.CONSOLE_BUILD_DIR ?? "build");
const build = await import(pathToFileURL(path.join(buildDir, "server/index.js")).href);
const hooks = build.entry.module;
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

const app = express();
app.disable("x-powered-by");
// TRUST_PROXY is a hop count or the proxies' addresses (validated at boot), never "trust every hop".
app.set("trust proxy", hooks.trustProxySetting());
// Server-sent events must not be buffered by compression.
app.use(compression({ filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").includes("text/event-stream") && compression.filter(req, res) }));
app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
// Cross-site state-changing requests get the documented 403 here: Remix's own Origin check would otherwise
// answer a document action's with a 500 before any guard of ours runs (app/security/origin.server.ts).
app.use((req, res, next) => {
  const refusal = hooks.refuseCrossSite(req.method, req.headers);
  if (refusal) res.status(403).type("text/plain").send(refusal);
  else next();
});
app.all("*", createRequestHandler({ build, getLoadContext: (req) => ({ clientIp: req.ip ?? "unknown" }) }));

await hooks.startBackgroundServices?.();
const server = app.listen(port, host, () => console.log(`FleetLM Console listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
