// Plain mariadb connections for the benchmark's own bookkeeping and for the
// raw-driver baseline, configured exactly like lib/db/database.ts's pools
// (binary protocol, UTC, prepared-statement cache) so the comparison is like for like.
import type { ConnectionConfig } from "mariadb";
import { connectionConfigFromUrl as appConnectionConfig } from "@/lib/db/database";

/** The app's connection settings, with a patient connect timeout for bulk bookkeeping. */
export function connectionConfigFromUrl(url: string): ConnectionConfig {
  return { ...appConnectionConfig(url), connectTimeout: 5000 };
}

/** A URL with the password hidden, for logs and results. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
