// The cluster's desired shape and live pids, persisted in .cluster/state.json.
// Promises: secrets are generated once and kept until `reset`; the file is
// written atomically (temp file + rename), so readers never see half a file;
// `planState` turns CLI options into a full state, keeping what exists.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ClusterError } from "./log";
import { clusterDir, defaults, paths } from "./layout";

export interface WebNodeState {
  name: string;
  port: number;
  url: string;
  pid: number | null;
  /** Hash of the env and build the running process was started with. */
  fingerprint?: string;
  /** The release (cluster/release.ts) the running process was started from. */
  release?: string;
  /** Stopped on purpose (`stop web-N`), for operators; nginx finds it refusing connections and skips it. */
  stopped?: boolean;
}

export interface DbNodeState {
  name: string;
  port: number;
  /** Connection URL the web nodes use: mariadb://shop:pw@127.0.0.1:port/shop */
  url: string;
  pid: number | null;
  gcommPort: number;
  istPort: number;
  sstPort: number;
}

export interface LbState {
  name: "lb";
  port: number;
  pid: number | null;
  /** Hash of the nginx config the running process loaded. */
  fingerprint?: string;
}

export interface ClusterSecrets {
  nextAuthSecret: string;
  serverActionsEncryptionKey: string;
  dbPassword: string;
  /** Bearer token for GET /api/metrics (METRICS_TOKEN on every web node). */
  metricsToken: string;
}

export interface ClusterState {
  version: 1;
  lbUrl: string;
  lb: LbState;
  web: WebNodeState[];
  db: DbNodeState[];
  /** false for `--db 1`: a plain MariaDB server without wsrep. */
  galera: boolean;
  /** Extra environment for every web node (--idle-timeout, --env). */
  webEnv: Record<string, string>;
  secrets: ClusterSecrets;
  /** The release new web nodes start from (.cluster/releases/<id>/). */
  release?: string;
  /** Fingerprints of what was last applied: database + user, migrations, seed. */
  applied: { database?: string; migrations?: string; seed?: string };
}

export interface UpOptions {
  web?: number;
  db?: number;
  port?: number;
  /** Session idle timeout for every web node (SESSION_IDLE_TIMEOUT_SECONDS). */
  idleTimeoutSeconds?: number;
  /** Extra environment for every web node. */
  env?: Record<string, string>;
}

export const DB_NAME = "shop";
export const DB_USER = "shop";

export function readClusterState(): ClusterState | null {
  let text: string;
  try {
    text = readFileSync(paths.stateFile, "utf8");
  } catch {
    return null;
  }
  try {
    const state = JSON.parse(text) as ClusterState;
    if (state.version !== 1) throw new Error(`unknown version ${String(state.version)}`);
    return state;
  } catch (error) {
    throw new ClusterError(`${paths.stateFile} is unreadable (${(error as Error).message}); run \`npm run cluster -- reset\``);
  }
}

export function writeClusterState(state: ClusterState): void {
  mkdirSync(clusterDir, { recursive: true });
  const temp = `${paths.stateFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, paths.stateFile);
}

export function generateSecrets(): ClusterSecrets {
  return {
    nextAuthSecret: randomBytes(32).toString("base64"),
    // Next.js expects a base64-encoded AES-256 key.
    serverActionsEncryptionKey: randomBytes(32).toString("base64"),
    // Hex: safe inside a URL without escaping.
    dbPassword: randomBytes(18).toString("hex"),
    metricsToken: randomBytes(24).toString("base64url"),
  };
}

export function dbUrl(secrets: ClusterSecrets, port: number): string {
  return `mariadb://${DB_USER}:${secrets.dbPassword}@127.0.0.1:${port}/${DB_NAME}`;
}

export function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

function checkCount(label: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ClusterError(`${label} must be an integer from 1 to ${max} (got ${value})`);
  }
  return value;
}

/**
 * The state `up` should reach: sizes, ports and web env come from `options`
 * (defaults: 3 web, 8080, no extra env); the database size defaults to the
 * existing cluster's, and changing it needs a reset. Pids and secrets carry over.
 */
export function planState(options: UpOptions, previous: ClusterState | null): ClusterState {
  const webCount = checkCount("--web", options.web ?? defaults.web, 9);
  const dbCount = checkCount("--db", options.db ?? previous?.db.length ?? defaults.db, 9);
  const lbPort = options.port ?? defaults.lbPort;
  if (previous && previous.db.length !== dbCount) {
    throw new ClusterError(
      `the cluster was created with --db ${previous.db.length}; keep it, or run \`npm run cluster -- reset\` first to change it`,
    );
  }
  // A state from before a secret existed gets that one generated; the others carry over.
  const secrets = { ...generateSecrets(), ...previous?.secrets };
  const webEnv: Record<string, string> = { METRICS_TOKEN: secrets.metricsToken, ...options.env };
  if (options.idleTimeoutSeconds !== undefined) webEnv.SESSION_IDLE_TIMEOUT_SECONDS = String(options.idleTimeoutSeconds);

  const web = Array.from({ length: webCount }, (_, i): WebNodeState => {
    const name = `web-${i + 1}`;
    const port = defaults.webBasePort + i;
    const old = previous?.web.find((node) => node.name === name);
    return {
      name,
      port,
      url: `http://127.0.0.1:${port}`,
      pid: old?.pid ?? null,
      fingerprint: old?.fingerprint,
      release: old?.release,
      stopped: old?.stopped,
    };
  });
  const db = Array.from({ length: dbCount }, (_, i): DbNodeState => {
    const name = `db-${i + 1}`;
    const port = defaults.dbBasePort + i;
    const old = previous?.db.find((node) => node.name === name);
    return {
      name,
      port,
      url: dbUrl(secrets, port),
      pid: old?.pid ?? null,
      gcommPort: defaults.gcommBasePort + i,
      istPort: defaults.istBasePort + i,
      sstPort: defaults.sstBasePort + i,
    };
  });
  return {
    version: 1,
    lbUrl: `http://127.0.0.1:${lbPort}`,
    lb: { name: "lb", port: lbPort, pid: previous?.lb.pid ?? null, fingerprint: previous?.lb.fingerprint },
    web,
    db,
    galera: dbCount > 1,
    webEnv,
    secrets,
    release: previous?.release,
    applied: previous?.applied ?? {},
  };
}

/** Every node name in start order. */
export function nodeNames(state: ClusterState): string[] {
  return [...state.db.map((node) => node.name), ...state.web.map((node) => node.name), "lb"];
}
