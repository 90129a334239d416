// Integration tests run against the real cluster that `npm run cluster`
// starts (Galera nodes, web nodes, nginx). If it is not up, it is brought up
// here. TEST_DATABASE_URLS / TEST_BASE_URL point the tests elsewhere instead.
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** SQL endpoints, db-1 first. */
    databaseUrls: string[];
    /** The shop through the load balancer, e.g. http://127.0.0.1:8080 ("" if not available). */
    baseUrl: string;
    /** Each web node directly. */
    webUrls: string[];
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URLS) {
    project.provide("databaseUrls", process.env.TEST_DATABASE_URLS.split(","));
    project.provide("baseUrl", process.env.TEST_BASE_URL ?? "");
    project.provide("webUrls", (process.env.TEST_WEB_URLS ?? "").split(",").filter(Boolean));
    return;
  }
  const { clusterUp, consoleLogger } = await import("../cluster/index");
  const state = await clusterUp({}, consoleLogger);
  project.provide("databaseUrls", state.db.map((node) => node.url));
  project.provide("baseUrl", `http://127.0.0.1:${state.lb.port}`);
  project.provide("webUrls", state.web.map((node) => node.url));
}
