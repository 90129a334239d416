// During a rolling deploy, a page rendered by a node on the new release names
// stylesheets and chunks that the nodes still on the old release do not have.
// nginx/shop.conf.template sends a 404 under /_next/static/ on to the next
// node, so the page still loads whole; any other 404 is an answer, given once.
//
// The real nginx with the shop's template and the cluster's main config, in front of three stand-in nodes
// (node:http): "old" ones that answer 404 for the new build's files and one
// "new" one that has them. Without the location, nginx passed on the old
// nodes' 404 for two requests in three (round robin): the e2e rolling deploy
// then saw an unstyled page ("Account: AliceAlice Martin").
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { binaries, paths, repoRoot } from "@/cluster/layout";
import { renderMainConfig, renderTemplate } from "@/cluster/lb";
import { httpStatus, readFileSince, waitFor } from "@/cluster/process";

const NEW_STYLESHEET = "/_next/static/chunks/0newbuild.css";
const hits: Record<string, number> = {};
const servers: http.Server[] = [];
let nginx: ChildProcess | null = null;
let dir = "";
let baseUrl = "";

/** A stand-in web node: 200 for the paths it has, 404 for the rest, counting what it was asked. */
function standIn(name: string, has: (path: string) => boolean): Promise<number> {
  const server = http.createServer((req, res) => {
    hits[name] = (hits[name] ?? 0) + 1;
    res.setHeader("x-served-by", name);
    res.statusCode = has(req.url ?? "/") ? 200 : 404;
    res.end(res.statusCode === 200 ? "body{}" : "not found");
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const ports = [
    await standIn("old-1", (path) => !path.includes("newbuild")),
    await standIn("old-2", (path) => !path.includes("newbuild")),
    await standIn("new-1", () => true),
  ];
  dir = mkdtempSync(join(tmpdir(), "shop-skew-"));
  mkdirSync(join(dir, "tmp"));
  const port = await freePort();
  const shop = renderTemplate(readFileSync(paths.nginxTemplate, "utf8"), {
    SHOP_LISTEN: `127.0.0.1:${port}`,
    SHOP_UPSTREAM_SERVERS: ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join(" "),
    SHOP_ACCESS_LOG: join(dir, "access.log"),
    SHOP_OUTAGE_ROOT: join(repoRoot, "public"),
  });
  writeFileSync(join(dir, "shop.conf"), shop);
  // The cluster's own main config (cluster/lb.ts), with this test's prefix and files.
  writeFileSync(
    join(dir, "nginx.conf"),
    renderMainConfig({
      dir,
      pidFile: join(dir, "nginx.pid"),
      errorLog: join(dir, "error.log"),
      shopConfig: join(dir, "shop.conf"),
    }),
  );
  nginx = spawn(binaries.nginx, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: "ignore",
  });
  baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => ((await httpStatus(`${baseUrl}/`)) === null ? undefined : true),
    10_000,
    () => `nginx did not answer on ${baseUrl} within 10 s\n${readFileSince(join(dir, "error.log"), 0)}`,
    100,
  );
});

afterAll(async () => {
  nginx?.kill("SIGTERM");
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a chunk only the new release has is served whichever node nginx asks first", async () => {
  for (const key of Object.keys(hits)) delete hits[key];
  const answers: { status: number; servedBy: string | null }[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await fetch(`${baseUrl}${NEW_STYLESHEET}?dpl=new`);
    await response.text();
    answers.push({ status: response.status, servedBy: response.headers.get("x-served-by") });
  }
  expect(
    answers.filter((answer) => answer.status !== 200),
    "requests for the new stylesheet not answered 200",
  ).toEqual([]);
  expect(new Set(answers.map((answer) => answer.servedBy))).toEqual(new Set(["new-1"]));
  // The old nodes were asked too (and said 404): the retry is what found the chunk, and no node was marked failed.
  expect((hits["old-1"] ?? 0) + (hits["old-2"] ?? 0)).toBeGreaterThan(0);
});

test("a 404 anywhere else is the answer, asked of one node only", async () => {
  for (const key of Object.keys(hits)) delete hits[key];
  const response = await fetch(`${baseUrl}/products/newbuild.svg`);
  await response.text();
  const total = Object.values(hits).reduce((sum, n) => sum + n, 0);
  expect(total, "nodes asked for one request outside /_next/static/").toBe(1);
  expect(response.status).toBe(response.headers.get("x-served-by") === "new-1" ? 200 : 404);
});
