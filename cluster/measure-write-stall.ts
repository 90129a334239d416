// Measures how long a write on db-1 stalls right after db-2 is killed with
// SIGKILL (Galera waits for the dead peer until EVS evicts it; see
// providerOptions in galera.ts). Needs a running 3-node cluster; restores it.
//
//   node cluster/run.mjs --script cluster/measure-write-stall.ts [rounds]
//
// Each round: db-2 Synced -> SIGKILL db-2 -> INSERT on db-1 at once (the
// "first write") while a writer keeps inserting every 10 ms for 5 s (the
// "worst write" is the slowest of those) -> start db-2 again.
import { setTimeout as sleep } from "node:timers/promises";
import { createConnection } from "mariadb";
import { clusterStatus, killNode, quietLogger, readClusterState, startNode } from "./index";

const rounds = Number(process.argv[2] ?? 3);
const state = readClusterState();
if (!state || !state.galera || state.db.length < 3) {
  console.error("needs a running Galera cluster of 3 or more nodes: npm run cluster");
  process.exit(1);
}
const [db1, db2] = state.db as [(typeof state.db)[0], (typeof state.db)[0]];
const url = new URL(db1.url);
const connection = await createConnection({
  host: url.hostname,
  port: Number(url.port),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
});
const table = "cluster_write_probe";
await connection.query(`CREATE TABLE IF NOT EXISTS ${table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(3) NOT NULL)`);

async function timedInsert(): Promise<number> {
  const started = performance.now();
  await connection.query(`INSERT INTO ${table} (at) VALUES (NOW(3))`);
  return performance.now() - started;
}

const results: { first: number; worst: number }[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    await startNode(db2.name, quietLogger);
    const size = (await clusterStatus()).find((node) => node.name === db1.name)?.galera?.clusterSize;
    if (size !== state.db.length) throw new Error(`cluster size is ${size}, expected ${state.db.length}`);
    for (let i = 0; i < 20; i++) await timedInsert();

    await killNode(db2.name, quietLogger);
    const first = await timedInsert();
    let worst = first;
    const until = performance.now() + 5000;
    while (performance.now() < until) {
      worst = Math.max(worst, await timedInsert());
      await sleep(10);
    }
    results.push({ first, worst });
    console.log(`round ${round}: first write after kill -9 of ${db2.name}: ${first.toFixed(0)} ms; worst write in the next 5 s: ${worst.toFixed(0)} ms`);
  }
} finally {
  await startNode(db2.name, quietLogger);
  await connection.query(`DROP TABLE IF EXISTS ${table}`);
  await connection.end();
}
const max = Math.max(...results.map((result) => result.worst));
console.log(`worst stall over ${results.length} rounds: ${max.toFixed(0)} ms`);
