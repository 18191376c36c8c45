// The one rule for turning the SQLite schema into the PostgreSQL one.
export function pgSchemaFrom(sqliteSchema: string): string {
  const header = "// GENERATED from prisma/schema.prisma by `npm run db:pg-schema`. Do not edit.\n";
  return (
    header +
    sqliteSchema
      // Blocks fenced "sqlite-only: begin/end" describe SQLite-only objects (the FTS5 tables, ADR 101).
      .replace(/\n?\/\/ sqlite-only: begin[\s\S]*?\/\/ sqlite-only: end\n?/g, "\n")
      .replace('output     = "../app/generated/prisma"', 'output     = "../../app/generated/prisma"')
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace(/url\s+=\s+"file:[^"]*"/, 'url      = "postgresql://unused"')
  );
}
