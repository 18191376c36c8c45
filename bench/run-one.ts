// Runs one benchmark module's `run({ quick })` and prints its figures as JSON on the last line of stdout.
import { pathToFileURL } from "node:url";

const [file, mode] = process.argv.slice(2);
const mod = (await import(pathToFileURL(file).href)) as { run: (options: { quick: boolean }) => Promise<Record<string, number | null>> };
const figures = await mod.run({ quick: mode === "quick" });
console.log(JSON.stringify(figures));
process.exit(0);
