// A shopper who hangs up mid-request must not cost nginx its connection to the
// node (nginx/shop.conf.template, proxy_ignore_client_abort). By default nginx
// closes the upstream connection when the client goes, and the next request
// opens a new one, which waits in the node's accept queue: Node accepts one
// connection per event-loop turn, so 2,000 shoppers leaving at once made the
// next 2,000 wait seconds (issue 14's sweep).
//
// Made deterministic with SIGSTOP: every web node is stopped, so each request
// is held at a node (its connection made, its answer not yet written) when the
// client hangs up. nginx must then wait for the node and log the node's 200
// once the nodes run again, not a 499 ("client closed request") at the hang-up.
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import net from "node:net";
import { expect, test } from "vitest";
import { paths } from "@/cluster/layout";
import { readFileSince } from "@/cluster/process";
import { requireCluster, waitForRotation } from "./helpers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a GET on a fresh connection and hangs up after `hangUpMs` without reading the answer. */
function getAndHangUp(lbUrl: string, path: string, hangUpMs: number): Promise<void> {
  const { hostname, port } = new URL(lbUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: application/json\r\n\r\n`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, hangUpMs);
    });
    socket.on("error", reject);
  });
}

test("a request whose shopper hung up is answered by the node and its connection kept, not dropped with a 499", async () => {
  const state = requireCluster();
  await waitForRotation(state);
  const accessLog = paths.logFile("lb.access");
  const offset = statSync(accessLog).size;
  const marker = randomUUID();
  const pids = state.web.map((node) => node.pid).filter((pid): pid is number => pid !== null);
  expect(pids).toHaveLength(state.web.length);

  for (const pid of pids) process.kill(pid, "SIGSTOP");
  try {
    // Long enough for nginx to have passed each request to a (stopped) node.
    await Promise.all([1, 2, 3].map((i) => getAndHangUp(state.lbUrl, `/api/health?client-abort=${marker}-${i}`, 400)));
    await sleep(300);
  } finally {
    for (const pid of pids) process.kill(pid, "SIGCONT");
  }

  // The access log is flushed at least once a second (access_log … flush=1s).
  let lines: string[] = [];
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await sleep(500);
    lines = readFileSince(accessLog, offset).split("\n").filter((line) => line.includes(marker));
    if (lines.length === 3) break;
  }
  expect(lines, "one access-log line per request").toHaveLength(3);
  for (const line of lines) {
    expect(line, "nginx waited for the node's answer").toMatch(/" 200 /);
    expect(line).toMatch(/served_by=web-\d/);
    expect(line).not.toMatch(/" 499 /);
  }
  await waitForRotation(state);
});
