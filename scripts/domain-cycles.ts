// The rooms of app/ (each folder directly under it) and which room imports which, from the source: a value import
// of a module in another room is an edge; type-only imports cost nothing at run time and are left out. Files at
// app/'s top (db.server, env.server, the boot wiring in background.server and shared-state.server) are the frame
// the rooms sit in, not a room: edges to and from them are not counted (docs/architecture.md, ADR 140).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export type RoomEdge = { from: string; to: string; file: string; specifier: string };

const SOURCE = /\.(ts|tsx|mjs|js)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" || name === "node_modules" ? [] : sourceFiles(full);
    return SOURCE.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The specifiers a file imports for their values: static imports and re-exports that are not type-only, and `import("…")`. */
export function valueImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((element) => element.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The room a path under `appDir` belongs to, or null for a file at app/'s top. */
function roomOf(appDir: string, file: string): string | null {
  const parts = path.relative(appDir, file).split(path.sep);
  return parts.length > 1 && parts[0] !== ".." ? parts[0]! : null;
}

/** Every cross-room value import under `appDir` (`~/` is `appDir`, as in tsconfig's paths). */
export function roomEdges(appDir: string): RoomEdge[] {
  const edges: RoomEdge[] = [];
  for (const file of sourceFiles(appDir)) {
    const from = roomOf(appDir, file);
    if (from === null) continue;
    for (const specifier of valueImports(file, readFileSync(file, "utf8"))) {
      const target = specifier.startsWith("~/")
        ? path.join(appDir, specifier.slice(2))
        : specifier.startsWith(".")
          ? path.resolve(path.dirname(file), specifier)
          : null;
      if (target === null) continue; // a package
      const to = roomOf(appDir, target);
      if (to !== null && to !== from) edges.push({ from, to, file: path.relative(appDir, file), specifier });
    }
  }
  return edges;
}

/** The import cycles between rooms: each strongly connected group of two or more rooms, with the edges inside it. */
export function roomCycles(edges: RoomEdge[]): { rooms: string[]; edges: RoomEdge[] }[] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)!.add(edge.to);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (room: string) => {
    index.set(room, index.size);
    low.set(room, index.get(room)!);
    stack.push(room);
    onStack.add(room);
    for (const to of next.get(room) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(room, Math.min(low.get(room)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(room, Math.min(low.get(room)!, index.get(to)!));
    }
    if (low.get(room) === index.get(room)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== room);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const room of [...next.keys()].sort()) if (!index.has(room)) connect(room);
  return groups.map((rooms) => ({ rooms, edges: edges.filter((edge) => rooms.includes(edge.from) && rooms.includes(edge.to)) }));
}
