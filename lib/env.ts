// Configuration, parsed once and validated with zod. A missing or malformed
// variable fails fast with a message that names it (see .env.example). Every
// variable the shop reads goes through here, next-auth's included (next-auth
// also reads NEXTAUTH_URL itself; validating it here catches a typo at start).
import { hostname } from "node:os";
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const flag = (fallback: "0" | "1") =>
  z
    .enum(["0", "1", "true", "false"])
    .default(fallback)
    .transform((value) => value === "1" || value === "true");

const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^(mariadb|mysql):\/\/[^/]+\/\w+/.test(value), {
    message: "must look like mariadb://user:password@host:port/database",
  });

export const envSchema = z.object({
  NODE_NAME: z.string().trim().min(1).max(64).default(hostname()),
  DATABASE_URL: databaseUrl,
  DATABASE_FALLBACK_URLS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(databaseUrl)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * The database is MariaDB Galera with wsrep_sync_wait on (cluster/ sets it; the NDB stack does
   * not): a session change's first read skips the causality wait, since its version-checked UPDATE
   * catches a stale read (@shopcluster/session-store's skipRedundantCausalWaits).
   */
  DATABASE_GALERA: flag("0"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Public URL of the shop (the load balancer). next-auth reads it too. */
  NEXTAUTH_URL: z.url().optional(),
  /** Bearer token for GET /api/metrics; unset: only a signed-in admin may read metrics. */
  METRICS_TOKEN: z.string().trim().min(24, "must be at least 24 characters").optional(),
  /** Trust X-Forwarded-Proto/-For/-Host from the proxy in front (nginx). */
  TRUST_PROXY: flag("0"),
  /**
   * The cart API answered before Next's router (lib/api/fast-lane.ts) by the
   * same handlers the route files run; 0 leaves every request to Next (for
   * A/B measurements and the parity test).
   */
  SHOP_FAST_LANE: flag("1"),
  /** Sign-in throttle: attempts that did not succeed, per account and per client address, per window. */
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100000).default(30),
  SIGN_IN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(15 * 60),
  SESSION_IDLE_TIMEOUT_SECONDS: seconds(30 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds(8 * 60 * 60),
  SESSION_TOUCH_INTERVAL_SECONDS: seconds(60),
  SESSION_GC_INTERVAL_SECONDS: seconds(300),
  /** How long an applied Idempotency-Key is remembered (24 h). */
  SESSION_OP_RETENTION_SECONDS: seconds(24 * 60 * 60),
  /** next-auth's secret, shared by every node; the session ids' MAC key is derived from it. */
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -base64 32`)"),
  /** Every web node, for the admin page's cluster panel: "web-1=http://127.0.0.1:3001,web-2=…". */
  CLUSTER_WEB_NODES: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name, url] = entry.split("=");
          return { name: name.trim(), url: (url ?? "").trim() };
        }),
    )
    .pipe(z.array(z.object({ name: z.string().min(1), url: z.string().url() }))),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`).join("\n");
}

/** The validated environment; throws once, naming every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid environment (see .env.example):\n${describeIssues(parsed.error)}`);
  cached = parsed.data;
  return cached;
}

const loggingSchema = z.object({ NODE_NAME: envSchema.shape.NODE_NAME, LOG_LEVEL: envSchema.shape.LOG_LEVEL });

/**
 * The logger's and the footer's variables only, from the same schema: a logger
 * must work in scripts and tests that have no DATABASE_URL.
 */
export function loggingEnv(): z.infer<typeof loggingSchema> {
  const parsed = loggingSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid environment (see .env.example):\n${describeIssues(parsed.error)}`);
  return parsed.data;
}
