"use client";

// The cluster panel: every web node's health and every database node's state,
// refreshed every few seconds from GET /api/admin/cluster (served by whichever
// node nginx picks, so the "served by" line moves too).
import { useEffect, useState } from "react";
import type { ClusterView } from "@/lib/admin/cluster";

const REFRESH_MS = 3000;

export function ClusterPanel({ initial }: { initial: ClusterView }) {
  const [view, setView] = useState(initial);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const refresh = async () => {
      try {
        const response = await fetch("/api/admin/cluster", { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        const next = (await response.json()) as ClusterView;
        if (!cancelled) {
          setView(next);
          setStale(false);
        }
      } catch {
        if (!cancelled) setStale(true);
      }
    };
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <section aria-labelledby="cluster-heading" className="card p-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="cluster-heading" className="text-lg font-semibold text-bean-900">Cluster</h2>
        <p className="text-xs text-bean-700">
          Checked by {view.servedBy} at {new Date(view.checkedAt).toLocaleTimeString("en-US")}
          {stale ? " (could not refresh)" : ""}
        </p>
      </div>
      <div className="mt-4 grid gap-6 md:grid-cols-2">
        <div>
          <h3 className="text-sm font-semibold text-bean-800">Web nodes</h3>
          {view.web.length === 0 ? (
            <p className="mt-2 text-sm text-bean-700">No web nodes configured (CLUSTER_WEB_NODES).</p>
          ) : (
            <ul className="mt-2 space-y-2">
              {view.web.map((node) => (
                <li key={node.name} className="flex items-center justify-between rounded-lg border border-bean-200 px-3 py-2 text-sm">
                  <span className="font-medium text-bean-900">
                    {node.name}
                    {node.self ? <span className="ml-2 text-xs text-bean-700">(this node)</span> : null}
                  </span>
                  <Status up={node.up} detail={node.up ? `db ${node.db}, ${node.latencyMs} ms` : "unreachable"} />
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3 className="text-sm font-semibold text-bean-800">Database nodes</h3>
          <ul className="mt-2 space-y-2">
            {view.db.map((node) => (
              <li key={node.endpoint} className="flex items-center justify-between rounded-lg border border-bean-200 px-3 py-2 text-sm">
                <span className="font-mono text-bean-900">{node.endpoint}</span>
                <Status
                  up={node.up}
                  detail={node.up ? `${node.state ?? node.kind}${node.clusterSize !== null ? `, cluster size ${node.clusterSize}` : ""}` : "unreachable"}
                />
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

function Status({ up, detail }: { up: boolean; detail: string }) {
  return (
    <span className={`flex items-center gap-2 ${up ? "text-leaf-800" : "text-berry-700"}`}>
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${up ? "bg-leaf-700" : "bg-berry-700"}`} />
      <span>
        <span className="font-semibold">{up ? "up" : "down"}</span>
        <span className="text-bean-700">: {detail}</span>
      </span>
    </span>
  );
}
