// Configuration, parsed once and validated with zod. A missing or malformed
// variable fails fast with a message that names it (see .env.example).
import { hostname } from "node:os";
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

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
  TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((value) => value === "1" || value === "true"),
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

/** The validated environment; throws once, naming every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid environment (see .env.example):\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}
