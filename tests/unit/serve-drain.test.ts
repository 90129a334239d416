// cluster/serve.mjs's drain contract, on a stand-in server.js (a plain Node
// http server) so no build is needed: on SIGTERM it stops listening without
// resetting connections the kernel already queued, serves what arrives on open
// connections with `Connection: close`, never closes an idle keep-alive
// connection itself, and exits once the last one is closed.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const serveMjs = new URL("../../cluster/serve.mjs", import.meta.url);

// The stand-in: prints its port; on SIGTERM (after serve.mjs's own handler) blocks its event loop
// for BLOCK_MS, as a busy node does, so that connections made meanwhile wait in the accept queue;
// on SIGUSR2 it blocks for 600 ms (busy before the drain starts).
const fakeServer = `
const http = require("node:http");
const server = http.createServer((req, res) => res.end("ok " + req.url));
server.listen(0, "127.0.0.1", () => process.stdout.write("port=" + server.address().port + "\\n"));
process.on("SIGTERM", () => { const until = Date.now() + Number(process.env.BLOCK_MS || 0); while (Date.now() < until) {} });
process.on("SIGUSR2", () => { const until = Date.now() + 600; while (Date.now() < until) {} });
`;

let child: ChildProcess | null = null;
let dir: string | null = null;

afterEach(() => {
  child?.kill("SIGKILL");
  child = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function startNode(env: Record<string, string>): Promise<{ port: number; exited: Promise<number | null> }> {
  dir = mkdtempSync(join(tmpdir(), "serve-drain-"));
  copyFileSync(serveMjs, join(dir, "serve.mjs"));
  writeFileSync(join(dir, "server.js"), fakeServer);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
  const proc = spawn(process.execPath, [join(dir, "serve.mjs")], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port=(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    proc.once("exit", () => reject(new Error("the stand-in node exited before listening")));
  });
  return { port, exited };
}

/** GET on the node's TCP port, or on its unix socket when `port` is a path. */
function get(port: number | string, path: string, agent: http.Agent | false = false): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const target = typeof port === "string" ? { socketPath: port } : { host: "127.0.0.1", port };
    const request = http.get({ ...target, path, agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }));
    });
    request.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("serve.mjs drain on SIGTERM", () => {
  it("connections queued while the node is busy are served (Connection: close), none reset; then connects are refused and it exits", async () => {
    const { port, exited } = await startNode({ BLOCK_MS: "600", SHOP_DRAIN_TIMEOUT_MS: "5000" });
    child!.kill("SIGTERM");
    await sleep(150);
    // The node's loop is blocked: these connections wait in the kernel's accept queue.
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => get(port, `/queued-${i}`)));
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    for (const result of results) {
      const { status, connection } = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof get>>>).value;
      expect(status).toBe(200);
      expect(connection).toBe("close");
    }
    await expect(get(port, "/after")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(await exited).toBe(143);
  });

  it("on its unix socket (SHOP_LISTEN_SOCKET) too: a stale file at its path is replaced; queued connections are served, none reset; then connects are refused and it exits", async () => {
    const socketDir = mkdtempSync(join(tmpdir(), "serve-socket-"));
    const socket = join(socketDir, "web.sock");
    // What a node killed with SIGKILL leaves behind.
    writeFileSync(socket, "");
    try {
      const { port, exited } = await startNode({ SHOP_DRAIN_TIMEOUT_MS: "5000", SHOP_LISTEN_SOCKET: socket });
      expect(await get(socket, "/over-the-socket")).toMatchObject({ status: 200, body: "ok /over-the-socket" });
      expect((await get(port, "/over-tcp")).status).toBe(200);
      // The node is busy; these connections wait in the socket's accept queue, and the drain starts before it takes them.
      child!.kill("SIGUSR2");
      await sleep(100);
      const pending = Array.from({ length: 20 }, (_, i) => get(socket, `/queued-${i}`));
      await sleep(100);
      child!.kill("SIGTERM");
      const results = await Promise.allSettled(pending);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      for (const result of results) expect((result as PromiseFulfilledResult<Awaited<ReturnType<typeof get>>>).value.status).toBe(200);
      // The path is refused at once: nginx's next connect fails without sending anything, and it tries another node.
      await expect(get(socket, "/after")).rejects.toMatchObject({ code: "ECONNREFUSED" });
      expect(await exited).toBe(143);
      // Also after the listener closed (libuv removes its path), until the next node listens there.
      await expect(get(socket, "/after-exit")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      rmSync(socketDir, { recursive: true, force: true });
    }
  });

  it("an idle keep-alive connection is left open while draining and its next request is served with Connection: close", async () => {
    const { port, exited } = await startNode({ SHOP_DRAIN_TIMEOUT_MS: "8000" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get(port, "/first", agent)).connection).toBe("keep-alive");
      let closedByNode = false;
      const socket = Object.values(agent.freeSockets)[0]![0]!;
      socket.once("close", () => (closedByNode = true));
      child!.kill("SIGTERM");
      // Longer than the 100 ms sweep an earlier serve.mjs used, shorter than Node's 5 s keep-alive timeout.
      await sleep(1500);
      expect(closedByNode, "the node closed an idle keep-alive connection").toBe(false);
      await expect(get(port, "/new-connection")).rejects.toMatchObject({ code: "ECONNREFUSED" });
      const last = await get(port, "/on-the-open-connection", agent);
      expect(last).toMatchObject({ status: 200, connection: "close", body: "ok /on-the-open-connection" });
      expect(await exited).toBe(143);
    } finally {
      agent.destroy();
    }
  });
});
