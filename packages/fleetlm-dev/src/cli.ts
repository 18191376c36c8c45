// `fleetlm-dev` command: parse flags, start the server, print the ready line, stop on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { consoleLogger } from "./core/logger.js";
import { startFleetlmDev } from "./server.js";

const USAGE = `Usage: fleetlm-dev [--port 4000] [--host 127.0.0.1] [--data DIR] [--no-quirks] [--demo]
                   [--traffic N] [--seed-sessions N] [--seed N] [--quiet]
                   [--storage default|real] [--flush-ms N] [--unflushed-newest N] [--rings N]
                   [--storage-seed N] [--real-history-modes]`;

function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`fleetlm-dev: --${name} must be a non-negative integer, got ${JSON.stringify(value)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "no-quirks": { type: "boolean" },
        demo: { type: "boolean" },
        traffic: { type: "string" },
        "seed-sessions": { type: "string" },
        seed: { type: "string" },
        quiet: { type: "boolean" },
        storage: { type: "string" },
        "flush-ms": { type: "string" },
        "unflushed-newest": { type: "string" },
        rings: { type: "string" },
        "storage-seed": { type: "string" },
        "real-history-modes": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`fleetlm-dev: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const host = values.host ?? "127.0.0.1";
  const storageMode = values.storage ?? "default";
  if (storageMode !== "default" && storageMode !== "real") {
    process.stderr.write(`fleetlm-dev: --storage must be default or real, got ${JSON.stringify(storageMode)}\n${USAGE}\n`);
    process.exit(2);
  }
  const realOnly = ["flush-ms", "unflushed-newest", "rings", "storage-seed"] as const;
  if (storageMode === "default" && realOnly.some((f) => values[f] !== undefined)) {
    process.stderr.write(`fleetlm-dev: --${realOnly.find((f) => values[f] !== undefined)} needs --storage real\n${USAGE}\n`);
    process.exit(2);
  }
  const optionalInt = (name: (typeof realOnly)[number]) => (values[name] === undefined ? undefined : intFlag(name, values[name], 0));
  const port = intFlag("port", values.port, 4000);
  const server = await startFleetlmDev({
    port,
    host,
    dataDir: values.data,
    quirks: !values["no-quirks"],
    demo: values.demo ?? false,
    traffic: intFlag("traffic", values.traffic, 0),
    seedSessions: intFlag("seed-sessions", values["seed-sessions"], 0),
    seed: intFlag("seed", values.seed, 1),
    logger: values.quiet ? undefined : { ...consoleLogger, info: () => {} },
    storage:
      storageMode === "real"
        ? {
            mode: "real",
            flushMs: optionalInt("flush-ms"),
            unflushedNewest: optionalInt("unflushed-newest"),
            rings: optionalInt("rings"),
            seed: optionalInt("storage-seed"),
          }
        : "default",
    historyModes: values["real-history-modes"] ? "real" : "intended",
  });
  process.stdout.write(`FleetLM dev server listening on http://${host}:${server.port}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  process.stderr.write(`fleetlm-dev: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
