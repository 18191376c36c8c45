// Quick start only: makes sure the dev admin exists with a fresh random password, and prints it.
// There are no default accounts anywhere else (production uses `npm run console -- create-operator`).
import { randomBytes } from "node:crypto";
import { hashPassword } from "../app/auth/password.server.ts";
import { db, disconnectDb } from "../app/db.server.ts";

const email = process.env.DEV_ADMIN_EMAIL ?? "admin@localhost.test";
const password = randomBytes(9).toString("base64url");
const prisma = await db();
const passwordHash = await hashPassword(password);
await prisma.operator.upsert({
  where: { email },
  create: { email, name: "Dev Admin", role: "admin", passwordHash },
  update: { passwordHash, active: true, role: "admin" },
});
await disconnectDb();
console.log(JSON.stringify({ email, password }));
