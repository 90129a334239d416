// A web node's entry point, copied beside server.js into every release
// directory (cluster/release.ts) and into the Docker image. It owns SIGTERM
// (NEXT_MANUAL_SIG_HANDLE keeps Next's own handler out, whose http
// `server.close()` also closes idle keep-alive connections) and drains so
// that nginx never sees an error it would not retry:
// - stop listening at once: nginx's next connect is refused, which it retries
//   on another node for every method (nothing was sent) and counts against
//   this node's max_fails, so it stops choosing it;
// - keep serving requests on connections that are already open, answering
//   each with `Connection: close`;
// - never close an idle keep-alive connection: nginx may be writing a request
//   on it at that instant (a POST it may not resend: a 502). nginx closes idle
//   upstream connections itself after 4 s (keepalive_timeout, below Node's 5 s);
// - exit once every connection is closed, or after SHOP_DRAIN_TIMEOUT_MS
//   (default 10 s) even if a request is still hanging.
// With SHOP_LISTEN_SOCKET it also listens on that unix socket (the local
// cluster's nginx connects there: no TCP stack on loopback for each request and
// answer). Its drain first puts an empty file in the socket's place, so nginx's
// next connect is refused (ECONNREFUSED, as on a closed TCP port: nothing was
// sent, nginx tries another node), then keeps accepting what was already queued
// before it closes the listener.
// It also gives the listening socket an accept queue of SHOP_LISTEN_BACKLOG
// (default 4,096; Node's 511 overflowed when 1,500 shoppers connected at once),
// and tells the fast lane (lib/api/fast-lane.ts, which answers before these
// listeners) that the node is draining, through a registered global symbol.
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import http from "node:http";
import net from "node:net";

const drainTimeoutMs = Number(process.env.SHOP_DRAIN_TIMEOUT_MS ?? "10000") || 10_000;
const listenBacklog = Number(process.env.SHOP_LISTEN_BACKLOG ?? "4096") || 4096;
const listenSocket = process.env.SHOP_LISTEN_SOCKET || null;
const DRAINING = Symbol.for("shopcluster.draining");
const servers = new Set();
/** Responses not yet sent: told to close their connection when the drain starts. */
const pending = new Set();
let draining = false;

process.env.NEXT_MANUAL_SIG_HANDLE = "1";

/**
 * Connections waiting in the kernel's accept queue of the server's listening socket (Linux:
 * rx_queue of its LISTEN row in /proc/net/tcp{,6}); 0 when that cannot be read.
 */
function acceptQueueLength(server) {
  const address = server.address();
  if (!address || typeof address === "string") return 0;
  const port = `:${address.port.toString(16).toUpperCase().padStart(4, "0")}`;
  let queued = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let table;
    try {
      table = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of table.split("\n").slice(1)) {
      const [, local, , state, queues] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(port)) queued += Number.parseInt(queues.split(":")[1], 16) || 0;
    }
  }
  return queued;
}

/** The unix listener (SHOP_LISTEN_SOCKET) and how many connections it accepted since the drain last looked. */
let unixListener = null;
let unixAccepted = 0;

/** Hands every connection on the unix socket to `server`, as if it had arrived on its TCP port. */
function listenOnUnixSocket(server) {
  mkdirSync(dirname(listenSocket), { recursive: true });
  // A node killed with SIGKILL leaves its socket file behind; listen() would fail on it.
  try {
    unlinkSync(listenSocket);
  } catch {}
  unixListener = net.createServer((socket) => {
    unixAccepted++;
    server.emit("connection", socket);
  });
  unixListener.on("error", (error) => {
    log(50, "unix socket: cannot listen", { path: listenSocket, err: error.message });
    process.exit(1);
  });
  unixListener.listen(listenSocket, listenBacklog);
}

/**
 * Replaces the socket's path, atomically, with an empty file: a connect to a
 * path that is not a socket is refused (ECONNREFUSED), which nginx logs as an
 * error and retries elsewhere, where a missing path (ENOENT) is logged as crit.
 */
function refuseOnSocketPath() {
  const placeholder = `${listenSocket}.draining`;
  try {
    writeFileSync(placeholder, "");
    renameSync(placeholder, listenSocket);
  } catch (error) {
    log(40, "unix socket: could not replace its path", { path: listenSocket, err: error.message });
  }
}

const log = (level, msg, fields = {}) => process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg, ...fields })}\n`);

const originalCreateServer = http.createServer;
http.createServer = function createServer(...args) {
  const server = originalCreateServer.apply(this, args);
  servers.add(server);
  // Next's start-server calls listen(port, hostname): pass the backlog as the third argument.
  const listen = server.listen;
  server.listen = function (...listenArgs) {
    const [port, host, third] = listenArgs;
    if ((typeof port === "number" || typeof port === "string") && typeof host === "string" && typeof third !== "number") {
      if (listenSocket && !unixListener) listenOnUnixSocket(this);
      return listen.call(this, port, host, listenBacklog, ...listenArgs.slice(2));
    }
    return listen.apply(this, listenArgs);
  };
  server.prependListener("request", (_req, res) => {
    if (draining) {
      res.shouldKeepAlive = false;
      return;
    }
    pending.add(res);
    res.once("finish", () => pending.delete(res));
    res.once("close", () => pending.delete(res));
  });
  return server;
};

process.once("SIGTERM", () => {
  draining = true;
  globalThis[DRAINING] = true;
  const startedAt = Date.now();
  log(30, "SIGTERM: draining", { drainTimeoutMs, inFlight: pending.size });
  for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
  // No new connection reaches the listener once its path names a plain file; the queued ones are still accepted.
  if (unixListener) {
    refuseOnSocketPath();
    unixAccepted = 1; // look again after at least one more loop iteration
  }
  const listeners = unixListener ? [...servers, unixListener] : [...servers];
  let open = listeners.length;
  const exit = (code, msg, level = 30) => {
    log(level, msg, { drainMs: Date.now() - startedAt });
    process.exit(code);
  };
  if (open === 0) exit(143, "no server; exiting");
  // Closing a listening socket resets the connections the kernel accepted that Node has not taken
  // yet (nginx may already have written a request on one: a POST it may not resend). So close it
  // from setImmediate, right after a poll phase accepted what was pending, and only when the
  // kernel's accept queue is empty (re-checked once per loop iteration, for 1 s at most).
  // The unix socket's queue cannot be read, but libuv accepts one connection per loop iteration
  // while any is queued: an iteration that accepted none found it empty.
  const closeListeners = (deadline) => {
    const unixBusy = unixAccepted > 0;
    unixAccepted = 0;
    if (Date.now() < deadline && (unixBusy || [...servers].some((server) => acceptQueueLength(server) > 0))) {
      setImmediate(() => closeListeners(deadline));
      return;
    }
    for (const server of listeners) {
      // net.Server's close: stop listening, and call back once every connection has ended.
      net.Server.prototype.close.call(server, () => {
        if (--open === 0) exit(143, "drained; exiting");
      });
    }
    // libuv's close removes the listener's path by name: put the file back until the next node listens.
    if (unixListener) refuseOnSocketPath();
  };
  setImmediate(() => closeListeners(Date.now() + 1000));
  setTimeout(() => exit(143, "drain timed out; exiting", 40), drainTimeoutMs).unref();
});

await import(new URL("./server.js", import.meta.url).href);
