import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// Every `app/routes/admin.*` module is discovered here, so an admin route added later is covered without
// anyone remembering to list it: operators and auditors get 403, strangers go to the sign-in page.
type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<unknown>;
type RouteModule = { loader?: RouteFn; action?: RouteFn };

const ROUTES_DIR = path.resolve("app/routes");
const files = readdirSync(ROUTES_DIR)
  .filter((name) => /^admin\..+\.tsx?$/.test(name) && !/\.(server|test)\.tsx?$/.test(name))
  .sort();

/** `admin.agents.$agentId.tsx` → URL `/admin/agents/x` and params `{ agentId: "x" }`. */
function routeOf(file: string) {
  const segments = file
    .replace(/\.tsx?$/, "")
    .split(".")
    .filter((s) => s !== "_index" && !s.startsWith("_"));
  const params: Record<string, string> = {};
  const url = segments
    .map((segment) => {
      if (segment === "$") return ((params["*"] = "x"), "x");
      if (segment.startsWith("$")) return ((params[segment.slice(1)] = "x"), "x");
      return segment.replace(/^\((.*)\)$/, "$1").replace(/\[|\]/g, "");
    })
    .join("/");
  return { url: `/${url}`, params };
}

const modules = new Map<string, RouteModule>();
for (const file of files) modules.set(file, (await import(path.join(ROUTES_DIR, file))) as RouteModule);
const cases = files.flatMap((file) => (["loader", "action"] as const).filter((kind) => modules.get(file)![kind]).map((kind) => ({ file, kind })));

describe("admin routes are discovered", () => {
  it("finds the admin pages and their loaders and actions", () => {
    expect(files).toEqual(expect.arrayContaining(["admin.operators.tsx", "admin.audit.tsx"]));
    expect(cases).toEqual(
      expect.arrayContaining([
        { file: "admin.operators.tsx", kind: "loader" },
        { file: "admin.operators.tsx", kind: "action" },
        { file: "admin.audit.tsx", kind: "loader" },
      ]),
    );
  });
});

describe.each(cases)("$file $kind", ({ file, kind }) => {
  const mod = modules.get(file)!;
  let operator: TestOperator;
  let auditor: TestOperator;
  let admin: TestOperator;
  beforeAll(async () => {
    [operator, auditor, admin] = await Promise.all([makeOperator("operator"), makeOperator("auditor"), makeOperator("admin")]);
  });

  const { url, params } = routeOf(file);
  const build = (as: TestOperator | null, origin?: string) =>
    kind === "loader" ? request(url, { as }) : request(url, { as, origin, form: { intent: "anything", id: "x" } });
  const run = (req: Request) => {
    const fn = mod[kind]!;
    return call(() => fn({ request: req, params, context: {} }));
  };

  it.each(["operator", "auditor"] as const)("answers 403 to an %s", async (role) => {
    const res = await run(build(role === "operator" ? operator : auditor));
    expect(res.status).toBe(403);
  });

  it("sends an unauthenticated request to the sign-in page", async () => {
    const res = await run(build(null));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  if (kind === "action") {
    it("refuses a cross-site POST even from an admin with 403", async () => {
      const res = await run(build(admin, "https://evil.example"));
      expect(res.status).toBe(403);
    });
  }
});
