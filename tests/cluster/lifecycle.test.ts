// The CLI's own contract: `status --json` describes every node, the nodes talk
// over unix sockets where they can, and `down`
// leaves no process behind (then `up` brings the same cluster back, with its
// data, so the tests after this one find it as they expect).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { clusterDown, clusterUp, quietLogger } from "@/cluster/index";
import { adminQuery } from "@/cluster/galera";
import { paths, webSocketPath } from "@/cluster/layout";
import { listMarkedProcesses } from "@/cluster/process";
import { Visitor } from "../support/http-client";
import { firstProductIds, requireCluster, waitForRotation } from "./helpers";

const run = promisify(execFile);

test("status --json lists every node with name, kind, pid, port and up", async () => {
  const state = requireCluster();
  const { stdout } = await run(process.execPath, ["cluster/run.mjs", "status", "--json"]);
  const rows = JSON.parse(stdout) as { name: string; kind: string; pid: number | null; port: number; up: boolean }[];
  expect(rows.map((row) => row.name)).toEqual([...state.db.map((n) => n.name), ...state.web.map((n) => n.name), "lb"]);
  for (const row of rows) {
    expect(row).toMatchObject({ kind: expect.stringMatching(/^(web|db|lb)$/), port: expect.any(Number), up: true });
    expect(row.pid).toBeGreaterThan(0);
  }
});

test("nginx reaches every web node over its unix socket, and the web nodes reach the database over the servers' sockets", async () => {
  const state = requireCluster();
  const shopConfig = readFileSync(join(paths.lbDir, "shop.conf"), "utf8");
  for (const node of state.web) {
    const socket = webSocketPath(node.name);
    expect(socket, "this checkout's path is short enough for unix sockets").not.toBeNull();
    expect(shopConfig).toContain(`server unix:${socket} `);
    // The socket answers on its own, as the node (nginx would get nothing else there).
    const served = await new Promise<string | undefined>((resolve, reject) => {
      http.get({ socketPath: socket!, path: "/api/health" }, (response) => {
        response.resume();
        resolve(response.headers["x-served-by"] as string | undefined);
      }).on("error", reject);
    });
    expect(served).toBe(node.name);
  }
  await waitForRotation(state);
  // Connections over a unix socket show as "localhost" in the process list; over TCP as 127.0.0.1:port.
  for (const db of state.db) {
    const hosts = (await adminQuery(db, "SELECT DISTINCT SUBSTRING_INDEX(host, ':', 1) FROM information_schema.processlist WHERE user = 'shop'"))
      .trim()
      .split("\n")
      .filter(Boolean);
    expect(hosts, `${db.name}: where the shop's connections come from`).toEqual(["localhost"]);
  }
});

test("down leaves no process behind, and up brings the cluster back with its data", async () => {
  const state = requireCluster();
  const visitor = new Visitor(state.lbUrl);
  const [productId] = await firstProductIds(state.lbUrl, 1);
  expect((await visitor.add(productId!, 3)).status).toBe(200);

  await clusterDown(quietLogger);
  expect(listMarkedProcesses()).toEqual([]);

  // Options as the global setup passes them, so nothing else changes.
  await clusterUp({}, quietLogger);
  await waitForRotation(state);
  const { status, body } = await visitor.json<{ totalQuantity: number }>("/api/cart");
  expect(status).toBe(200);
  expect(body.totalQuantity).toBe(3);
}, 600_000);
