import { readClusterState } from "../cluster/index";
import { createCartSessions, productIds } from "./http";
import { cookieFile, ensureWrk, runWrk } from "./wrk";
async function main() {
  ensureWrk();
  const state = readClusterState()!;
  const ids = await productIds(state.lbUrl);
  const cookies = await createCartSessions(state.lbUrl, 200, ids[0]!);
  const file = cookieFile(cookies);
  const r = await runWrk({ baseUrl: process.argv[2]!, path: process.argv[5] ?? "/api/cart", mode: "get", cookiesFile: file, threads: 2, connections: Number(process.argv[3]), durationS: Number(process.argv[4] ?? 10) });
  console.log(JSON.stringify(r));
}
void main();
