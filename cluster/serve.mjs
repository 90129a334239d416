// A web node's entry point, copied beside server.js into every release
// directory (cluster/release.ts) and into the Docker image. Next's standalone
// server already drains on SIGTERM (start-server.js: server.close(), wait for
// in-flight requests, exit 143). This wrapper adds what a planned stop needs:
// responses sent while draining carry `Connection: close`, idle keep-alive
// connections are closed at once instead of after the keep-alive timeout,
// and the drain is bounded (SHOP_DRAIN_TIMEOUT_MS, default 10 s), after
// which the process exits even if a request is still hanging.
import http from "node:http";

const drainTimeoutMs = Number(process.env.SHOP_DRAIN_TIMEOUT_MS ?? "10000") || 10_000;
const servers = new Set();
let draining = false;

const originalCreateServer = http.createServer;
http.createServer = function createServer(...args) {
  const server = originalCreateServer.apply(this, args);
  servers.add(server);
  server.prependListener("request", (_req, res) => {
    if (draining) res.shouldKeepAlive = false;
  });
  return server;
};

process.once("SIGTERM", () => {
  draining = true;
  const startedAt = Date.now();
  process.stderr.write(`${JSON.stringify({ level: 30, time: startedAt, msg: "SIGTERM: draining", drainTimeoutMs })}\n`);
  const sweep = setInterval(() => {
    for (const server of servers) server.closeIdleConnections?.();
  }, 100);
  sweep.unref();
  setTimeout(() => {
    process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: "drain timed out; exiting" })}\n`);
    process.exit(143);
  }, drainTimeoutMs).unref();
});

await import(new URL("./server.js", import.meta.url).href);
