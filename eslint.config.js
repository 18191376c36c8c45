// Lint: the TypeScript and hooks rules that catch bugs, and the boundaries between the Console's rooms
// (docs/architecture.md, ADR 090). Style is Prettier's job (`npm run format`), so no formatting rules here.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const NO_ROUTES = {
  group: ["~/routes/*", "~/routes/**", "**/routes/*", "**/routes/**"],
  message: "Only routes import routes: move what you need (types included) into its domain module.",
};
const NO_DATABASE = {
  group: ["~/db.server", "**/db.server", "~/generated/**", "**/generated/prisma/**"],
  message: "No database access from routes or components: call the domain's *.server.ts service.",
};

export default tseslint.config(
  {
    ignores: ["build/**", "public/build/**", "packages/*/dist/**", "app/generated/**", "node_modules/**", ".tmp/**", "test-results/**", "playwright-report/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks, "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["tsconfig.json", "packages/*/tsconfig.json"], noWarnOnMultipleProjects: true })],
      // `~/` is the app itself (tsconfig paths), not a package.
      "import-x/internal-regex": "^~/",
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // `_`-prefixed names are deliberately unused (positional parameters, destructuring a field away).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "import-x/no-duplicates": "error",
      // Matching control characters is the point wherever a regex names one (NUL in FleetLM data, hostile input).
      "no-control-regex": "off",
    },
  },
  {
    // Cycles only among the Console's own modules: a cycle between two rooms means neither can be read alone.
    files: ["app/**/*.{ts,tsx}"],
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  // Boundaries. One no-restricted-imports per file (a later block would replace an earlier one's patterns):
  // domain modules may not reach into routes; routes may not touch the database; components may do neither.
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/routes/**", "app/root.tsx", "app/entry.server.tsx", "app/components/**", "app/*/components/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_ROUTES] }] },
  },
  {
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_DATABASE] }] },
  },
  {
    files: ["app/components/**/*.{ts,tsx}", "app/*/components/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_ROUTES, NO_DATABASE] }] },
  },
  {
    // Playwright fixtures are `async ({}, use) => …`: an empty pattern and a `use` that is not React's.
    files: ["tests/e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off", "react-hooks/rules-of-hooks": "off" },
  },
  {
    // The documented snippet is kept verbatim, unused handler arguments included.
    files: ["packages/fleetlm-client/test/fixtures/**"],
    rules: { "@typescript-eslint/no-unused-vars": "off" },
  },
  {
    // Work-arounds that reach into the Prisma adapters' untyped internals (stack-notes: Prisma 6.19 adapters).
    files: ["prisma/adapters.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["tests/**/*.{ts,tsx}", "packages/*/test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // Tests poke at untyped payloads on purpose (bad input, raw frames).
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
