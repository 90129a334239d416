// What the store does with an error from a clustered MySQL-compatible
// database: the engine table (src/engine-table.ts) applied to the error and
// its `cause` chain, plus the drivers' own codes for a lost connection.
// Multi-master engines abort transactions that lose a race and expect the
// client to run them again; a lost connection or a node failure during COMMIT
// leaves the outcome unknown. The store retries both, because every change
// carries an op id that makes a second application a no-op.
import { classifyEngineError, ENGINE_NAMES, type EngineName } from "./engine-table.ts";

export type ErrorClass = "conflict" | "unknown_outcome" | "connection" | "permanent";

/** Driver-level codes (mariadb and mysql2 drivers, Node's sockets) that mean the connection is gone. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN", "PROTOCOL_CONNECTION_LOST",
  "ER_SOCKET_UNEXPECTED_CLOSE", "ER_CONNECTION_TIMEOUT", "ER_CMD_CONNECTION_CLOSED", "ER_SOCKET", "ER_SOCKET_TIMEOUT",
  "ER_INITIAL_TIMEOUT_ERROR", "ER_CONNECTION_ALREADY_CLOSED",
]);

/** Prisma driver-adapter error kinds (Prisma wraps the driver's error) that mean the same things. */
const CONFLICT_KINDS: ReadonlySet<string> = new Set(["TransactionWriteConflict"]);
const CONNECTION_KINDS: ReadonlySet<string> = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/**
 * Classify an error from any MySQL-compatible driver (or Prisma's adapter),
 * for the engines the application runs on (all four by default).
 */
export function classifyError(error: unknown, engines: readonly EngineName[] = ENGINE_NAMES): ErrorClass {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) {
      const message = firstString(node.sqlMessage, node.originalMessage, node.text, node.message);
      const engineClass = classifyEngineError(engines, { errno, message });
      if (engineClass !== "permanent") return engineClass;
    }
    if (typeof node.code === "string" && CONNECTION_CODES.has(node.code)) return "connection";
    if (typeof node.kind === "string") {
      if (CONFLICT_KINDS.has(node.kind)) return "conflict";
      if (CONNECTION_KINDS.has(node.kind)) return "connection";
    }
    if (node.fatal === true && errno !== undefined && errno >= 45000) return "connection";
  }
  return "permanent";
}

/** The server's error number carried by an error, if any. */
export function errnoOf(error: unknown): number | undefined {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) return errno;
  }
  return undefined;
}

type ErrorLike = Record<string, unknown>;

/** The error, its `cause`s and Prisma's `meta.driverAdapterError`, breadth first. */
function causeChain(error: unknown): ErrorLike[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  const out: ErrorLike[] = [];
  while (queue.length > 0 && out.length < 12) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const node = current as ErrorLike;
    out.push(node);
    queue.push(node.cause);
    const meta = node.meta as ErrorLike | undefined;
    if (meta && typeof meta === "object") queue.push(meta.driverAdapterError, meta.cause);
  }
  return out;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === "string");
}
