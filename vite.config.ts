import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { refuseCrossSite } from "./app/security/origin.server";
import remixConfig from "./remix.config.js";

/**
 * The dev server refuses cross-site state-changing requests with the documented 403 before Remix runs, as
 * server.mjs does in production: Remix's own Origin check would answer a document action's with a 500.
 */
function crossSite403(): Plugin {
  return {
    name: "console-cross-site-403",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const refusal = refuseCrossSite(req.method ?? "GET", req.headers);
        if (!refusal) return next();
        res.statusCode = 403;
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
        res.end(refusal);
      });
    },
  };
}

/**
 * The markdown worker (app/sessions/markdown) has no DOM: micromark's entity decoder must be its plain build,
 * not the browser one that decodes through `document.createElement`.
 */
function workerEntityDecoder(): Plugin {
  const plain = fileURLToPath(new URL("./node_modules/decode-named-character-reference/index.js", import.meta.url));
  return {
    name: "console-worker-entity-decoder",
    enforce: "pre",
    resolveId: (source) => (source === "decode-named-character-reference" ? plain : null),
  };
}

export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  server: { port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "localhost" },
  ssr: { noExternal: [] },
  plugins: [crossSite403(), tailwindcss(), remix(remixConfig)],
  worker: { format: "es", plugins: () => [workerEntityDecoder()] },
});
