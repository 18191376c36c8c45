// Process configuration, validated once with zod. Secrets stay here; `publicEnv` is all the browser sees.
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./lib/trust-proxy.server";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must be a file: URL (SQLite) or a postgresql:// URL")
    .default("file:./prisma/dev.db"),
  FLEETLM_URL: z.string().url("must be the http(s) URL of FleetLM").default("http://localhost:4000"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  // The URL FleetLM uses to reach this Console (the agent gate's webhook). Defaults to http://127.0.0.1:PORT.
  CONSOLE_PUBLIC_URL: z.string().url().optional(),
  FLEETLM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  GATEWAY_POLL_MS: z.coerce.number().int().positive().default(2000),
  INBOX_REJOIN_MS: z.coerce.number().int().positive().default(1000),
  /** Re-join intervals of inboxes whose user was active within the hour, and of quieter ones (ADR 089). */
  GATEWAY_WARM_REJOIN_MS: z.coerce.number().int().positive().default(10_000),
  GATEWAY_COLD_REJOIN_MS: z.coerce.number().int().positive().default(60_000),
  GATEWAY_SWEEP_PER_S: z.coerce.number().int().min(0).max(1000).default(5),
  /** FleetLM reads a second the reconciliation may make (0: as fast as its 2 slots go; ADR 204). */
  GATEWAY_RECONCILE_PER_S: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Concurrent FleetLM reads of the live sync (FleetLM's read limit, ADR 208). */
  GATEWAY_READ_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** 0 turns off following hot users' sessions on their `session:` channels (ADR 208). */
  GATEWAY_HOT_PUSHES: z.enum(["0", "1"]).default("1"),
  /** Whose sessions are pushed: `all` live sessions once their inbox listed them, or `hot` users' only (ADR 222). */
  GATEWAY_PUSH_SCOPE: z.enum(["hot", "all"]).default("all"),
  /** With scope `all`: re-join interval of an inbox whose every session is pushed (ADR 222). */
  GATEWAY_PUSHED_REJOIN_MS: z.coerce.number().int().positive().default(600_000),
  /** A file the gateway appends one JSON line to per hop of a message (seen, read, written, announced; ADR 208). */
  GATEWAY_TRACE_FILE: z.string().min(1).optional(),
  TAKEOVER_IDLE_MINUTES: z.coerce.number().positive().default(15),
  NEEDS_HUMAN_MINUTES: z.coerce.number().positive().default(5),
  GATEWAY_DISABLED: z.enum(["0", "1"]).default("0"),
  // The live bus: `postgres` shares events between Console processes (ADR 131); `auto` picks it on PostgreSQL.
  LIVE_BUS: z.enum(["auto", "local", "postgres"]).default("auto"),
  // The proxies in front of the Console (a hop count or their addresses), for the client IP; see lib/trust-proxy.
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
});

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string };

const DEV_SECRET = "dev-only-secret-do-not-use-in-production-0123456789";

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (!env.SESSION_SECRET) {
    if (env.NODE_ENV === "production") {
      throw new Error("Invalid environment:\n  - SESSION_SECRET: required in production (at least 32 characters)");
    }
    return { ...env, SESSION_SECRET: DEV_SECRET };
  }
  return env as Env;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}

/** The only values sent to the browser. */
export function publicEnv() {
  return { mode: env().NODE_ENV };
}
