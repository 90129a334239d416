// Where the local cluster lives on disk and which ports it uses by default.
// Everything the cluster writes is under .cluster/ (gitignored): state.json,
// logs/<name>.log, db-N/ (config, socket, data) and lb/ (nginx prefix).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const clusterDir = join(repoRoot, ".cluster");

export const paths = {
  stateFile: join(clusterDir, "state.json"),
  lockFile: join(clusterDir, "lock"),
  logsDir: join(clusterDir, "logs"),
  lbDir: join(clusterDir, "lb"),
  standaloneServer: join(repoRoot, ".next", "standalone", "server.js"),
  nginxTemplate: join(repoRoot, "nginx", "shop.conf.template"),
  logFile: (name: string) => join(clusterDir, "logs", `${name}.log`),
  dbDir: (name: string) => join(clusterDir, name),
};

/**
 * Whether a unix socket can live at `path`: Linux's sun_path holds 108 bytes,
 * so a checkout in a deep directory falls back to TCP on loopback.
 */
export function socketPathFits(path: string): boolean {
  return Buffer.byteLength(path) < 100;
}

/**
 * SHOPCLUSTER_PORT_OFFSET shifts every default port, so a second checkout
 * (a git worktree, say) can run its own cluster beside this one.
 */
const portOffset = Number.parseInt(process.env.SHOPCLUSTER_PORT_OFFSET ?? "0", 10) || 0;

export const defaults = {
  web: 3,
  db: 3,
  lbPort: 8080 + portOffset,
  webBasePort: 3001 + portOffset,
  dbBasePort: 3311 + portOffset,
  gcommBasePort: 4511 + portOffset,
  istBasePort: 4521 + portOffset,
  sstBasePort: 4531 + portOffset,
};

export const binaries = {
  mariadbd: "/usr/sbin/mariadbd",
  mariadb: "/usr/bin/mariadb",
  installDb: "/usr/bin/mariadb-install-db",
  nginx: "/usr/sbin/nginx",
  galeraCandidates: ["/usr/lib/galera/libgalera_smm.so", "/usr/lib/libgalera_smm.so"],
};

/** Marks every process the cluster starts, so a recycled pid is never mistaken for ours. */
export function processMarker(name: string): string {
  return `${clusterDir}@${name}`;
}

/** The unix socket web node `name` listens on for nginx, beside its TCP port; null when the path would not fit. */
export function webSocketPath(name: string): string | null {
  const path = join(clusterDir, "sockets", `${name}.sock`);
  return socketPathFits(path) ? path : null;
}
