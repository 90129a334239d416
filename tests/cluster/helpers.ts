// Shared by the cluster tests: the running cluster's state, and putting it
// back together after a test broke it, so later tests find it healthy.
import { setTimeout as sleep } from "node:timers/promises";
import { clusterStatus, quietLogger, readClusterState, startNode, type ClusterState } from "@/cluster/index";

export function requireCluster(): ClusterState {
  const state = readClusterState();
  if (!state) throw new Error("no cluster state; the integration global setup should have run `npm run cluster`");
  return state;
}

/** Starts every node that is down, then waits until nginx routes to every web node again. */
export async function restoreCluster(state: ClusterState): Promise<void> {
  for (const node of await clusterStatus()) {
    if (!node.up) await startNode(node.name, quietLogger);
  }
  await waitForRotation(state);
}

/** nginx keeps a failed node out for fail_timeout (5 s); wait until all web nodes serve again. */
export async function waitForRotation(state: ClusterState, timeoutMs = 20_000): Promise<void> {
  const wanted = new Set(state.web.map((node) => node.name));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen = new Set<string>();
    for (let i = 0; i < wanted.size * 2; i++) {
      const response = await fetch(`${state.lbUrl}/api/health`);
      await response.body?.cancel();
      const servedBy = response.headers.get("x-served-by");
      if (response.ok && servedBy) seen.add(servedBy);
    }
    if ([...wanted].every((name) => seen.has(name))) return;
    await sleep(500);
  }
  throw new Error(`nginx did not route to all of ${[...wanted].join(", ")} within ${timeoutMs / 1000} s`);
}

export async function galeraSizes(): Promise<Record<string, number | null>> {
  const rows = await clusterStatus();
  return Object.fromEntries(rows.filter((row) => row.kind === "db").map((row) => [row.name, row.galera?.clusterSize ?? null]));
}

export async function firstProductIds(baseUrl: string, count: number): Promise<number[]> {
  const response = await fetch(`${baseUrl}/api/products`);
  if (!response.ok) throw new Error(`GET /api/products: ${response.status}`);
  const products = (await response.json()) as { id: number }[];
  if (products.length < count) throw new Error(`need ${count} products, the seed has ${products.length}`);
  return products.slice(0, count).map((product) => product.id);
}
