// Plain mariadb connections for the benchmark's own bookkeeping and for the
// raw-driver baseline, configured like lib/db/database.ts's pools (binary
// protocol, UTC, prepared-statement cache) so the comparison is like for like.
import type { ConnectionConfig } from "mariadb";

export function connectionConfigFromUrl(url: string): ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, ""),
    connectTimeout: 5000,
    timezone: "Z",
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
    prepareCacheLength: 64,
  };
}

/** A URL with the password hidden, for logs and results. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
