// The seed articles' PHP design, run by the bench beside the shop on the same
// machine and the same Galera cluster, so "faster than PHP" is measured in
// one run instead of quoted (issue 14). bench/php/ holds the PHP: the seed's
// session handler (SELECT … FOR UPDATE in a transaction, INSERT … ON
// DUPLICATE KEY UPDATE, COMMIT) and the cart's two API requests.
//
// Layout, as the issue describes it: php-fpm with one pool per Galera node
// (each pool's children reach their node over its unix socket, as the shop's
// web nodes do), and its own nginx spreading requests over the three pools
// with the shop's balancing policy. Its rows live in php_seed_session, a
// table the bench creates and drops; the catalog is the shop's products table.
// Everything runs under .cluster/bench-php/ and is stopped by pid.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Database } from "@/lib/db/database";
import { localDbUrl } from "../cluster/galera";
import { binaries, clusterDir, socketPathFits } from "../cluster/layout";
import type { DbNodeState } from "../cluster/state";
import { progress, sleep } from "./lib/progress";

const PHP_FPM = "/usr/sbin/php-fpm8.2";
const PACKAGES = ["php8.2-fpm", "php8.2-mysql", "php8.2-opcache"];
const SCRIPT = fileURLToPath(new URL("./php/index.php", import.meta.url));
const DIR = join(clusterDir, "bench-php");
/** Children per pool: 16 connections over 3 pools is 5-6 requests in flight per pool. */
export const PHP_CHILDREN_PER_POOL = 8;

const TABLE = `CREATE TABLE IF NOT EXISTS php_seed_session (
  session_id   VARCHAR(128) NOT NULL,
  user_id      VARCHAR(16) NULL,
  date_created DATETIME NOT NULL,
  last_updated DATETIME NOT NULL,
  session_data LONGTEXT NULL,
  PRIMARY KEY (session_id),
  KEY last_updated (last_updated)
) ENGINE=InnoDB`;

export interface PhpSeed {
  url: string;
  description: string;
  /** The php-fpm master's and nginx master's pids (bench/cpu-split.ts samples their children). */
  pids: { fpm: number; nginx: number };
  stop(): Promise<void>;
}

/** php-fpm must be installed: Debian's packages when root, else a message saying how. Returns why not, or null. */
export function ensurePhp(): string | null {
  if (existsSync(PHP_FPM)) return null;
  const command = `apt-get install -y --no-install-recommends ${PACKAGES.join(" ")}`;
  if (process.getuid?.() !== 0) return `php-fpm is missing: run \`sudo ${command}\`, then the bench again`;
  progress(`php: installing ${PACKAGES.join(", ")} (Debian packages)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "--no-install-recommends", ...PACKAGES];
  let result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (result.status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], env });
    result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  }
  return result.status === 0 && existsSync(PHP_FPM) ? null : `could not install php-fpm (${command})`;
}

/** One pool's listen address: a unix socket under .cluster/bench-php/, or a loopback port when the path is too long. */
function poolAddress(index: number, basePort: number): { fpm: string; nginx: string } {
  const socket = join(DIR, `fpm-${index + 1}.sock`);
  if (socketPathFits(socket)) return { fpm: socket, nginx: `unix:${socket}` };
  const port = basePort + 1 + index;
  return { fpm: `127.0.0.1:${port}`, nginx: `127.0.0.1:${port}` };
}

/** PDO's DSN for a Galera node: its unix socket when the shop uses it, else TCP. */
export function pdoDsn(dbUrl: string): { dsn: string; user: string; password: string } {
  const url = new URL(dbUrl);
  const socket = url.searchParams.get("socket");
  const where = socket ? `unix_socket=${socket}` : `host=${url.hostname};port=${url.port || 3306}`;
  return {
    dsn: `mysql:${where};dbname=${url.pathname.slice(1)};charset=utf8mb4`,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function fpmConfig(db: DbNodeState[], basePort: number): string {
  const ini = (value: string) => `"${value.replace(/"/g, "")}"`;
  const lines = ["[global]", `pid = ${join(DIR, "php-fpm.pid")}`, `error_log = ${join(DIR, "php-fpm.log")}`, "daemonize = no", ""];
  db.forEach((node, i) => {
    const { dsn, user, password } = pdoDsn(localDbUrl(node));
    lines.push(
      `[${node.name}]`,
      ...(process.getuid?.() === 0 ? ["user = root", "group = root"] : []),
      `listen = ${poolAddress(i, basePort).fpm}`,
      "listen.mode = 0666",
      "listen.backlog = 4096",
      "pm = static",
      `pm.max_children = ${PHP_CHILDREN_PER_POOL}`,
      `env[SEED_DB_DSN] = ${ini(dsn)}`,
      `env[SEED_DB_USER] = ${ini(user)}`,
      `env[SEED_DB_PASSWORD] = ${ini(password)}`,
      "php_admin_value[session.name] = sid",
      "php_admin_value[session.gc_probability] = 0",
      "php_admin_value[session.use_strict_mode] = 0",
      "php_admin_value[opcache.enable] = 1",
      "php_admin_value[opcache.validate_timestamps] = 0",
      "php_admin_flag[display_errors] = off",
      "",
    );
  });
  return lines.join("\n");
}

function nginxConfig(db: DbNodeState[], port: number): string {
  const temp = (name: string) => join(DIR, "tmp", name);
  return [
    "# Generated by bench/php-seed.ts: the PHP seed design's load balancer (bench only).",
    ...(process.getuid?.() === 0 ? ["user root;"] : []),
    "worker_processes auto;",
    "daemon off;",
    `pid ${join(DIR, "nginx.pid")};`,
    `error_log ${join(DIR, "nginx.log")} warn;`,
    "worker_rlimit_nofile 16384;",
    "events { worker_connections 8192; }",
    "http {",
    `  client_body_temp_path ${temp("client_body")};`,
    `  proxy_temp_path ${temp("proxy")};`,
    `  fastcgi_temp_path ${temp("fastcgi")};`,
    `  uwsgi_temp_path ${temp("uwsgi")};`,
    `  scgi_temp_path ${temp("scgi")};`,
    `  access_log ${join(DIR, "access.log")} combined buffer=64k flush=1s;`,
    // The shop's balancing policy (nginx/shop.conf.template), so both designs get the same balancer.
    `  upstream php_seed { least_conn; ${db.map((_, i) => `server ${poolAddress(i, port).nginx};`).join(" ")} }`,
    `  server {`,
    `    listen 127.0.0.1:${port} backlog=4096;`,
    "    server_tokens off;",
    "    client_max_body_size 64k;",
    "    location / {",
    "      fastcgi_pass php_seed;",
    `      fastcgi_param SCRIPT_FILENAME ${SCRIPT};`,
    "      fastcgi_param REQUEST_METHOD $request_method;",
    "      fastcgi_param REQUEST_URI $request_uri;",
    "      fastcgi_param QUERY_STRING $query_string;",
    "      fastcgi_param CONTENT_TYPE $content_type;",
    "      fastcgi_param CONTENT_LENGTH $content_length;",
    "      fastcgi_param SERVER_PROTOCOL $server_protocol;",
    "      fastcgi_param REMOTE_ADDR $remote_addr;",
    "      fastcgi_param HTTPS '';",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

function start(command: string, args: string[], log: string): ChildProcess {
  const out = openSync(log, "a");
  const child = spawn(command, args, { stdio: ["ignore", out, out] });
  child.on("error", (error) => progress(`php: ${command}: ${error.message}`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: { totalQuantity?: number }; cookie?: string }> {
  const response = await fetch(url, init);
  const cookie = response.headers.getSetCookie().map((line) => /^(sid=[^;]+)/.exec(line)?.[1]).find(Boolean);
  return { status: response.status, body: (await response.json().catch(() => ({}))) as { totalQuantity?: number }, cookie };
}

/**
 * Proves the design does its work before it is measured: a new session's
 * two adds of one product read back as quantity 2, on whichever pools they land.
 */
async function checkSeed(url: string, productId: number): Promise<void> {
  const add = (cookie?: string) =>
    json(`${url}/api/cart/items`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ productId, quantity: 1 }),
    });
  const first = await add();
  if (first.status !== 200 || !first.cookie) throw new Error(`php: the first add answered ${first.status} without a session cookie`);
  const second = await add(first.cookie);
  const read = await json(`${url}/api/cart`, { headers: { cookie: first.cookie } });
  if (second.status !== 200 || read.status !== 200 || read.body.totalQuantity !== 2) {
    throw new Error(`php: two adds read back as ${JSON.stringify(read.body)} (statuses ${second.status}, ${read.status}), not quantity 2`);
  }
}

/** Starts the PHP seed design (php-fpm pools + nginx on `port`) against the cluster's Galera nodes. */
export async function startPhpSeed(options: { db: DbNodeState[]; adminUrl: string; port: number; productId: number }): Promise<PhpSeed> {
  mkdirSync(join(DIR, "tmp"), { recursive: true });
  const admin = new Database({ urls: [options.adminUrl], poolSize: 1 });
  await admin.query(TABLE);
  await admin.query("DELETE FROM php_seed_session");
  await admin.end();
  const fpmConf = join(DIR, "php-fpm.conf");
  const nginxConf = join(DIR, "nginx.conf");
  writeFileSync(fpmConf, fpmConfig(options.db, options.port));
  writeFileSync(nginxConf, nginxConfig(options.db, options.port));
  const test = spawnSync(binaries.nginx, ["-p", DIR, "-c", nginxConf, "-e", join(DIR, "nginx.log"), "-t", "-q"], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`php: nginx rejected ${nginxConf}: ${test.stderr}`);
  const fpm = start(PHP_FPM, ["--nodaemonize", "--fpm-config", fpmConf, ...(process.getuid?.() === 0 ? ["--allow-to-run-as-root"] : [])], join(DIR, "php-fpm.out"));
  const nginx = start(binaries.nginx, ["-p", DIR, "-c", nginxConf, "-e", join(DIR, "nginx.log")], join(DIR, "nginx.out"));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    await Promise.all([stopChild(nginx), stopChild(fpm)]);
    const db = new Database({ urls: [options.adminUrl], poolSize: 1 });
    await db.query("DROP TABLE IF EXISTS php_seed_session").finally(() => db.end());
  };
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (fpm.exitCode !== null) throw new Error(`php-fpm exited with ${fpm.exitCode}: ${readFileSync(join(DIR, "php-fpm.log"), "utf8").slice(-800)}`);
      if (nginx.exitCode !== null) throw new Error(`php: nginx exited with ${nginx.exitCode}; see ${join(DIR, "nginx.log")}`);
      const status = await fetch(`${url}/api/cart`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`php: ${url}/api/cart answered ${status} after 20 s; see ${DIR}/*.log`);
      await sleep(200);
    }
    await checkSeed(url, options.productId);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    url,
    pids: { fpm: fpm.pid!, nginx: nginx.pid! },
    description: `bench/php: php-fpm ${PHP_FPM.slice(-3)} (opcache), ${options.db.length} static pools of ${PHP_CHILDREN_PER_POOL} children, one per Galera node over its socket (persistent PDO), behind its own nginx (least_conn, as the shop's); the seed's handler: SELECT … FOR UPDATE in a transaction, INSERT … ON DUPLICATE KEY UPDATE, COMMIT`,
    stop,
  };
}
