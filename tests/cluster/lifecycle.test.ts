// The CLI's own contract: `status --json` describes every node, and `down`
// leaves no process behind (then `up` brings the same cluster back, with its
// data, so the tests after this one find it as they expect).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { clusterDown, clusterUp, quietLogger } from "@/cluster/index";
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
