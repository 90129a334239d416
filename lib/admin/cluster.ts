// The operators' view of the cluster: every web node's health (over HTTP) and
// every SQL endpoint's state as the database itself reports it: Galera's
// cluster size and local state, or NDB's data-node status from ndbinfo.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { nodeName } from "@/lib/node-name";

export interface WebNodeView {
  name: string;
  url: string;
  up: boolean;
  db: string | null;
  latencyMs: number | null;
  self: boolean;
}

export interface DbNodeView {
  endpoint: string;
  up: boolean;
  kind: "galera" | "ndb" | "mysql" | "unknown";
  /** Galera: wsrep_cluster_size; NDB: data nodes started. */
  clusterSize: number | null;
  /** Galera: wsrep_local_state_comment (Synced, Donor/Desynced, Joining…); NDB: node statuses. */
  state: string | null;
  error?: string;
}

export interface ClusterView {
  servedBy: string;
  checkedAt: string;
  web: WebNodeView[];
  db: DbNodeView[];
}

export async function getClusterView(): Promise<ClusterView> {
  const [web, database] = await Promise.all([webNodes(), dbNodes()]);
  return { servedBy: nodeName(), checkedAt: new Date().toISOString(), web, db: database };
}

async function webNodes(): Promise<WebNodeView[]> {
  const nodes = env().CLUSTER_WEB_NODES;
  const self = nodeName();
  return Promise.all(
    nodes.map(async ({ name, url }) => {
      const started = performance.now();
      try {
        const response = await fetch(new URL("/api/health", url), { signal: AbortSignal.timeout(1500), cache: "no-store" });
        const body = (await response.json().catch(() => ({}))) as { db?: string };
        return { name, url, up: response.ok, db: body.db ?? null, latencyMs: Math.round(performance.now() - started), self: name === self };
      } catch {
        return { name, url, up: false, db: null, latencyMs: null, self: name === self };
      }
    }),
  );
}

async function dbNodes(): Promise<DbNodeView[]> {
  return Promise.all(
    db().endpoints.map(async (endpoint): Promise<DbNodeView> => {
      let conn;
      try {
        conn = await endpoint.pool.getConnection();
        const status = (await conn.query(
          "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_ready')",
        )) as { Variable_name: string; Value: string }[];
        const get = (name: string) => status.find((row) => row.Variable_name === name)?.Value;
        // MariaDB reports wsrep_* even without a provider; size 0 means a plain server.
        if (Number(get("wsrep_cluster_size") ?? 0) > 0 || get("wsrep_local_state_comment") === "Initialized") {
          return {
            endpoint: endpoint.name, up: get("wsrep_ready") === "ON", kind: "galera",
            clusterSize: Number(get("wsrep_cluster_size")), state: get("wsrep_local_state_comment") ?? null,
          };
        }
        try {
          const nodes = (await conn.query("SELECT node_id, status FROM ndbinfo.nodes ORDER BY node_id")) as { node_id: number; status: string }[];
          return {
            endpoint: endpoint.name, up: true, kind: "ndb",
            clusterSize: nodes.filter((n) => n.status === "STARTED").length,
            state: nodes.map((n) => `node ${n.node_id}: ${n.status}`).join(", "),
          };
        } catch {
          return { endpoint: endpoint.name, up: true, kind: "mysql", clusterSize: null, state: "standalone server" };
        }
      } catch (error) {
        return { endpoint: endpoint.name, up: false, kind: "unknown", clusterSize: null, state: null, error: error instanceof Error ? error.message : String(error) };
      } finally {
        if (conn) await conn.release().catch(() => undefined);
      }
    }),
  );
}
