import { readClusterState } from "../cluster/index";
import { createCartSessions, productIds } from "../bench/http";
import { cookieFile, ensureWrk, runWrk } from "../bench/wrk";
async function main() {
  ensureWrk();
  const state = readClusterState()!;
  const ids = await productIds(state.lbUrl);
  const cookies = await createCartSessions(state.lbUrl, 200, ids[0]!);
  const file = cookieFile(cookies);
  const c = Number(process.argv[2] ?? 2000);
  const r = await runWrk({ baseUrl: state.lbUrl, path: "/api/cart", mode: "get", cookiesFile: file, threads: 2, connections: c, durationS: Number(process.argv[3] ?? 15) });
  console.log(JSON.stringify(r));
}
void main();
