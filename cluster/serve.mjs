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
import http from "node:http";
import net from "node:net";

const drainTimeoutMs = Number(process.env.SHOP_DRAIN_TIMEOUT_MS ?? "10000") || 10_000;
const servers = new Set();
/** Responses not yet sent: told to close their connection when the drain starts. */
const pending = new Set();
let draining = false;

process.env.NEXT_MANUAL_SIG_HANDLE = "1";

const log = (level, msg, fields = {}) => process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg, ...fields })}\n`);

const originalCreateServer = http.createServer;
http.createServer = function createServer(...args) {
  const server = originalCreateServer.apply(this, args);
  servers.add(server);
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
  const startedAt = Date.now();
  log(30, "SIGTERM: draining", { drainTimeoutMs, inFlight: pending.size });
  for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
  let open = servers.size;
  const exit = (code, msg, level = 30) => {
    log(level, msg, { drainMs: Date.now() - startedAt });
    process.exit(code);
  };
  for (const server of servers) {
    // net.Server's close: stop listening, and call back once every connection has ended.
    net.Server.prototype.close.call(server, () => {
      if (--open === 0) exit(143, "drained; exiting");
    });
  }
  if (open === 0) exit(143, "no server; exiting");
  setTimeout(() => exit(143, "drain timed out; exiting", 40), drainTimeoutMs).unref();
});

await import(new URL("./server.js", import.meta.url).href);
