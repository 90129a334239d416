// What is running right now, node by node, as data (`status --json`, tests)
// and as a table for people. Promises: reads only; never changes the cluster;
// a stale pid shows as down with pid null.
import { dbNodeStatus } from "./galera";
import { httpStatus, isOurProcess, portInUse } from "./process";
import type { ClusterState } from "./state";

export interface NodeStatus {
  name: string;
  kind: "web" | "db" | "lb";
  pid: number | null;
  port: number;
  up: boolean;
  /** Database nodes under Galera: wsrep_cluster_size and wsrep_local_state_comment. */
  galera?: { clusterSize: number | null; localState: string | null };
  /** One human line: URL, Galera view or why it is down. */
  detail: string;
}

export async function collectStatus(state: ClusterState): Promise<NodeStatus[]> {
  const db = state.db.map(async (node): Promise<NodeStatus> => {
    const running = isOurProcess(node.pid, node.name);
    const sql = running ? await dbNodeStatus(node) : { reachable: false };
    const galera = state.galera && running
      ? { clusterSize: sql.clusterSize ?? null, localState: sql.localState ?? null }
      : undefined;
    const detail = !running
      ? "not running"
      : !sql.reachable
        ? "starting or not answering SQL"
        : galera
          ? `${galera.localState ?? "?"}, cluster size ${galera.clusterSize ?? "?"}${sql.clusterStatus === "Primary" ? "" : ` (${sql.clusterStatus ?? "no"} component)`}`
          : "single server";
    return {
      name: node.name,
      kind: "db",
      pid: running ? node.pid : null,
      port: node.port,
      up: running && sql.reachable,
      ...(galera ? { galera } : {}),
      detail,
    };
  });
  const web = state.web.map(async (node): Promise<NodeStatus> => {
    const running = isOurProcess(node.pid, node.name);
    const health = running ? await httpStatus(`${node.url}/api/health`, 2000) : null;
    return {
      name: node.name,
      kind: "web",
      pid: running ? node.pid : null,
      port: node.port,
      up: health === 200,
      detail: !running ? "not running" : health === null ? "not answering" : `${node.url} health ${health}`,
    };
  });
  const lb = (async (): Promise<NodeStatus> => {
    const running = isOurProcess(state.lb.pid, "lb");
    const listening = running && (await portInUse(state.lb.port));
    return {
      name: "lb",
      kind: "lb",
      pid: running ? state.lb.pid : null,
      port: state.lb.port,
      up: listening,
      detail: !running ? "not running" : listening ? state.lbUrl : "not listening",
    };
  })();
  return Promise.all([...db, ...web, lb]);
}

export function formatStatusTable(rows: NodeStatus[]): string {
  const header = ["NAME", "KIND", "PID", "PORT", "STATE", "DETAIL"];
  const cells = rows.map((row) => [row.name, row.kind, String(row.pid ?? "-"), String(row.port), row.up ? "up" : "down", row.detail]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i]!))).join("  ");
  return [line(header), ...cells.map(line)].join("\n");
}
