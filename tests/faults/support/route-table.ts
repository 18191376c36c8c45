// Discovers the Console's route modules and turns each into a row of the bad-input table: its URL pattern,
// its params, the intents and field names its schemas mention. Reading the files (not a hand-kept list) is
// what makes routes added later part of the suite without anyone remembering to add them.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";

export type RouteModule = {
  file: string;
  /** "/sessions/:id/notes" */
  pattern: string;
  params: string[];
  /** A resource route has no default export (no UI): its loader is an API too. */
  resource: boolean;
  intents: string[];
  fields: string[];
};

const ROUTES_DIR = path.resolve("app/routes");
const APP_DIR = path.resolve("app");

/** Remix flat-route file name → URL pattern (enough of the convention for this app: `.`, `$param`, `$`, `_index`, `[.]`, `_` prefixes/suffixes). */
export function patternOf(file: string): { pattern: string; params: string[] } {
  const base = file.replace(/\.(tsx?|jsx?)$/, "").replace(/\/route$/, "");
  const params: string[] = [];
  const segments = base
    // A control character as a placeholder: it cannot occur in a route file name.
    .replace(/\[\.\]/g, "\u0001")
    .split(".")
    .map((segment) => segment.replace(/\u0001/g, "."))
    .filter((segment) => segment !== "_index" && !segment.startsWith("_"))
    .map((segment) => segment.replace(/_$/, ""))
    .map((segment) => {
      if (segment === "$") {
        params.push("*");
        return "*";
      }
      if (segment.startsWith("$")) {
        params.push(segment.slice(1));
        return `:${segment.slice(1)}`;
      }
      return segment;
    });
  return { pattern: "/" + segments.join("/"), params };
}

/** The route file and the app modules it imports directly (one level), as text. */
function sourcesOf(file: string): string {
  const own = readFileSync(path.join(ROUTES_DIR, file), "utf8");
  const imported = [...own.matchAll(/from\s+["']~\/([^"']+)["']/g)].map((m) => m[1]);
  const texts = [own];
  for (const spec of imported) {
    for (const ext of [".ts", ".tsx", "/index.ts"]) {
      const candidate = path.join(APP_DIR, spec + ext);
      if (existsSync(candidate)) {
        texts.push(readFileSync(candidate, "utf8"));
        break;
      }
    }
  }
  return texts.join("\n");
}

const unique = (values: string[]) => [...new Set(values)];

export function discoverRoutes(): RouteModule[] {
  return readdirSync(ROUTES_DIR, { withFileTypes: true })
    .map((entry) =>
      entry.isDirectory() ? ["route.tsx", "route.ts"].map((f) => `${entry.name}/${f}`).find((f) => existsSync(path.join(ROUTES_DIR, f))) : entry.name,
    )
    .filter((file): file is string => !!file && /\.(tsx?|jsx?)$/.test(file))
    .sort()
    .map((file) => {
      const own = readFileSync(path.join(ROUTES_DIR, file), "utf8");
      const text = sourcesOf(file);
      const literals = [...text.matchAll(/z\.literal\(\s*["']([\w.:-]{1,40})["']\s*\)/g)].map((m) => m[1]);
      const enums = [...text.matchAll(/intent[^\n]{0,40}z\.enum\(\s*\[([^\]]*)\]/g)].flatMap((m) =>
        [...m[1].matchAll(/["']([\w.:-]{1,40})["']/g)].map((x) => x[1]),
      );
      const formValues = [...own.matchAll(/name="intent"\s+value="([\w.:-]{1,40})"/g)].map((m) => m[1]);
      // Keys of z.object shapes, one per line or inline (`z.object({ theme: z.enum(...) })`).
      const keys = [...text.matchAll(/^\s*([a-zA-Z][\w]{0,40})\s*:\s*z\./gm), ...text.matchAll(/[{,]\s*([a-zA-Z][\w]{0,40})\s*:\s*z\./g)].map((m) => m[1]);
      const named = [...own.matchAll(/name="([a-zA-Z][\w]{0,40})"/g)].map((m) => m[1]);
      return {
        file,
        ...patternOf(file),
        resource: !/export\s+default\s/.test(own),
        intents: unique([...literals, ...enums, ...formValues]).slice(0, 16),
        fields: unique([...keys, ...named])
          .filter((k) => k !== "intent")
          .slice(0, 30),
      };
    });
}
