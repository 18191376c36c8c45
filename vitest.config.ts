// Vitest runs without the Remix Vite plugin (it refuses to load outside Vite's dev/build).
import { defineConfig } from "vitest/config";

const src = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    alias: {
      "~": src("./app"),
      "@fleetlm/client/assembler": src("./packages/fleetlm-client/src/assembler.ts"),
      "@fleetlm/client/backoff": src("./packages/fleetlm-client/src/backoff.ts"),
      "@fleetlm/client": src("./packages/fleetlm-client/src/index.ts"),
      "@fleetlm/dev": src("./packages/fleetlm-dev/src/index.ts"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "tests/e2e/**"],
    setupFiles: ["tests/setup/vitest.setup.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
