// Console administration from the shell: `npm run console -- create-operator --email E --name N --role R`
// (the password is read from stdin, never from arguments, so it stays out of shell history).
import { parseArgs } from "node:util";
import { NewOperatorSchema } from "../app/operators/forms.ts";
import { createOperator, EmailTakenError } from "../app/operators/operators.server.ts";
import { disconnectDb } from "../app/db.server.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== "create-operator") {
    console.error("usage: npm run console -- create-operator --email E --name N --role admin|operator|auditor  (password on stdin)");
    process.exit(2);
  }
  const { values } = parseArgs({ args: rest, options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } } });
  if (process.stdin.isTTY) process.stderr.write("Password (then Enter and Ctrl-D): ");
  const password = await readStdin();
  const parsed = NewOperatorSchema.safeParse({ ...values, password });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
    process.exit(1);
  }
  try {
    const operator = await createOperator(parsed.data, null);
    console.log(`created ${operator.role} ${operator.email} (${operator.id})`);
  } catch (error) {
    if (error instanceof EmailTakenError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  } finally {
    await disconnectDb();
  }
}

await main();
