// Makes sure this machine can run the local cluster before anything else runs.
// Plain Node ESM with zero npm dependencies: it runs before node_modules exists.
// Promises: ensureDebianPackages() returns only when every binary the cluster
// and the e2e tests use is present (installing with apt when root, otherwise
// exiting with the command to run); ensureNodeModules() returns only when
// node_modules matches package-lock.json. Both are quiet when nothing is missing.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian package → the file that proves it is installed (any of the list). */
const debianPackages = [
  { name: "mariadb-server", files: ["/usr/sbin/mariadbd"] },
  { name: "mariadb-client", files: ["/usr/bin/mariadb"] },
  { name: "galera-4", files: ["/usr/lib/galera/libgalera_smm.so", "/usr/lib/libgalera_smm.so"] },
  { name: "rsync", files: ["/usr/bin/rsync"] },
  { name: "nginx", files: ["/usr/sbin/nginx"] },
  { name: "chromium", files: ["/usr/bin/chromium"] },
  // Only its `config` command is used: the compose file is validated statically in tests.
  { name: "docker-compose", files: ["/usr/bin/docker-compose"] },
  // npm run verify's nemesis: partitions (rules on loopback) and a skewed clock on one web node.
  { name: "iptables", files: ["/usr/sbin/iptables"] },
  { name: "faketime", files: ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"] },
];

/** System services that Debian's postinst scripts may start; we never use them. */
const systemServices = ["mariadb", "nginx"];

function log(message) {
  process.stderr.write(`[deps] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function missingDebianPackages() {
  return debianPackages.filter((pkg) => !pkg.files.some((file) => existsSync(file))).map((pkg) => pkg.name);
}

/**
 * Installs the Debian packages the cluster needs when missing (as root), or
 * exits with a message naming them (otherwise).
 */
export function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages: ${missing.join(", ")}`);
    log(`install them as root, then run this again:\n\n  sudo sh -c '${command}'\n`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(", ")} (apt-get, this takes a few minutes)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run("apt-get", ["update"], { env }) !== 0) throw new Error("apt-get update failed (see above)");
  const status = run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
  if (status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed (see above)`);
  // Debian's postinst scripts start the system mariadb/nginx services (ports
  // 3306 and 80); the cluster runs its own processes, so stop those again.
  stopSystemServices();
  const stillMissing = missingDebianPackages();
  if (stillMissing.length > 0) throw new Error(`still missing after apt-get install: ${stillMissing.join(", ")}`);
  log("Debian packages installed");
}

/** Stops the distribution's own mariadb/nginx services if apt started them. */
function stopSystemServices() {
  for (const service of systemServices) {
    const status = spawnSync("service", [service, "status"], { stdio: "ignore" });
    if (status.status === 0) {
      log(`stopping the system ${service} service started by apt (the cluster runs its own)`);
      run("service", [service, "stop"]);
    }
  }
}

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Installs node_modules with `npm ci` when they are missing or older than the
 * lock file. The lock is complete (every platform's optional binaries, as the
 * registry now serves them), so `npm ci` installs exactly it and never
 * rewrites it: the tree stays clean.
 */
export function ensureNodeModules() {
  const lock = mtimeMs(join(repoRoot, "package-lock.json"));
  const installed = mtimeMs(join(repoRoot, "node_modules", ".package-lock.json"));
  if (installed !== undefined && (lock === undefined || installed >= lock)) return;
  log(installed === undefined ? "node_modules missing: npm ci" : "package-lock.json changed: npm ci");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const status = run(npm, ["ci", "--no-audit", "--no-fund"], { cwd: repoRoot });
  if (status !== 0) throw new Error("npm ci failed (see above)");
}
