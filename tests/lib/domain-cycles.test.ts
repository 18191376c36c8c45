// The rooms check of `npm run lint` (scripts/check-domain-cycles.ts): the tree has no import cycle between the rooms
// of app/, a planted one is found with the imports that make it, and type-only imports are not edges.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roomCycles, roomEdges, valueImports } from "../../scripts/domain-cycles";

const planted: string[] = [];

/** A throw-away app/ with the given files (path → source). */
function plant(files: Record<string, string>): string {
  const appDir = path.join(mkdtempSync(path.join(tmpdir(), "rooms-")), "app");
  planted.push(path.dirname(appDir));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
    writeFileSync(path.join(appDir, file), text);
  }
  return appDir;
}

afterEach(() => {
  for (const dir of planted.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("import cycles between rooms", () => {
  it("the Console's app/ has none", () => {
    const cycles = roomCycles(roomEdges(path.resolve("app")));
    expect(cycles.map((c) => `${c.rooms.join(" ↔ ")}: ${c.edges.map((e) => `${e.file} → ${e.specifier}`).join(", ")}`)).toEqual([]);
  });

  it("finds a planted cycle around three rooms, with the imports that make it", () => {
    const appDir = plant({
      "inbox/a.server.ts": 'import { b } from "~/sessions/b.server";\nexport const a = b;\n',
      "sessions/b.server.ts": 'import { c } from "../takeover/c.server";\nexport const b = c;\n',
      "takeover/c.server.ts": 'export async function c() {\n  return (await import("~/inbox/a.server")).a;\n}\n',
      "lib/leaf.ts": "export const leaf = 1;\n",
      "notes/n.ts": 'import { leaf } from "~/lib/leaf";\nexport const n = leaf;\n',
    });
    const cycles = roomCycles(roomEdges(appDir));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.rooms).toEqual(["inbox", "sessions", "takeover"]);
    expect(cycles[0]!.edges.map((e) => `${e.from}→${e.to} ${e.file}`).sort()).toEqual([
      "inbox→sessions inbox/a.server.ts",
      "sessions→takeover sessions/b.server.ts",
      "takeover→inbox takeover/c.server.ts",
    ]);
  });

  it("a type-only import is no edge; files at app/'s top are no room", () => {
    const appDir = plant({
      "inbox/a.ts":
        'import type { B } from "~/sessions/b";\nimport { type C } from "~/sessions/c";\nexport type { D } from "~/sessions/d";\nexport const a = 1;\n',
      "sessions/b.ts": 'import { a } from "~/inbox/a";\nexport type B = typeof a;\n',
      "sessions/c.ts": "export type C = 1;\n",
      "sessions/d.ts": "export type D = 1;\n",
      "db.server.ts": 'import { a } from "./inbox/a";\nexport const db = a;\n',
      "inbox/uses-db.ts": 'import { db } from "~/db.server";\nexport const x = db;\n',
    });
    expect(roomCycles(roomEdges(appDir))).toEqual([]);
    expect(roomEdges(appDir).map((e) => `${e.from}→${e.to}`)).toEqual(["sessions→inbox"]);
  });

  it("reads value imports the way TypeScript emits them", () => {
    const text = [
      'import a from "./a";',
      'import { type B, c } from "./bc";',
      'import type { D } from "./d";',
      'import "./side-effect";',
      'export { e } from "./e";',
      'export type { F } from "./f";',
      'const g = () => import("./g");',
    ].join("\n");
    expect(valueImports("x.ts", text)).toEqual(["./a", "./bc", "./side-effect", "./e", "./g"]);
  });
});
