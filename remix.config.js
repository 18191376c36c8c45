// Remix options, passed to the Vite plugin by vite.config.ts (the Vite plugin never reads this file itself).
/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*", "**/*.server.ts"],
  serverModuleFormat: "esm",
  // npm run cluster builds for PostgreSQL beside the ordinary build (server.mjs reads the same variable).
  buildDirectory: process.env.CONSOLE_BUILD_DIR ?? "build",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
};
