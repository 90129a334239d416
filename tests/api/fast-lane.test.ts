// The fast lane (lib/api/fast-lane.ts) must answer the cart API exactly as
// Next's route handlers do. web-1 runs with the lane (the default); a second
// server from the same release runs with SHOP_FAST_LANE=0 against the same
// database node. The same scripts of requests, each on a fresh visitor, go to
// both, and every answer (status, body, headers that matter, the cookie's
// attributes) must be equal. A last test shows the lane really answers on
// web-1: its responses carry none of the headers Next's router adds.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readClusterState } from "../../cluster/index";
import { releaseDir } from "../../cluster/release";
import { webNodeEnv } from "../../cluster/web";

const state = readClusterState();
const laneOffPort = 3480 + ((Number(process.env.SHOPCLUSTER_PORT_OFFSET) || 0) % 1000);
let laneOff: ChildProcess | undefined;
let laneOffUrl = "";
let laneUrl = "";

/** One request of a script; `{cookie}` in a header is the visitor's session cookie so far. */
interface Step {
  method: string;
  path: string;
  json?: unknown;
  body?: string | (() => ReadableStream<Uint8Array>);
  headers?: Record<string, string>;
  /** Send no cookie even if the visitor has one. */
  noCookie?: boolean;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
  cookie: string | null;
}

const COMPARED_HEADERS = [
  "content-type",
  "cache-control",
  "x-content-type-options",
  "referrer-policy",
  "x-frame-options",
  "permissions-policy",
];

/** A Set-Cookie value with the id replaced and the attributes normalised (Next writes SameSite=lax and an Expires). */
function normaliseCookie(lines: string[]): string | null {
  if (lines.length === 0) return null;
  return lines
    .map((line) => {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const name = pair!.slice(0, pair!.indexOf("="));
      const value = pair!.slice(pair!.indexOf("=") + 1);
      const kept = attributes.filter((a) => !/^expires=/i.test(a)).map((a) => a.toLowerCase()).sort();
      return [`${name}=${value ? "<id>" : ""}`, ...kept].join("; ");
    })
    .join("\n");
}

async function runScript(baseUrl: string, steps: Step[]): Promise<Answer[]> {
  let cookie = "";
  const answers: Answer[] = [];
  for (const step of steps) {
    const headers = new Headers(step.headers);
    if (cookie && !step.noCookie && !headers.has("cookie")) headers.set("cookie", cookie);
    let body: BodyInit | undefined;
    if (step.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(step.json);
    } else if (typeof step.body === "function") {
      body = step.body();
    } else {
      body = step.body;
    }
    const response = await fetch(new URL(step.path, baseUrl), {
      method: step.method,
      headers,
      body,
      redirect: "manual",
      ...(typeof step.body === "function" ? { duplex: "half" } : {}),
    } as RequestInit);
    const text = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const pair = line.split(";")[0]!;
      if (!/max-age=0/i.test(line)) cookie = pair;
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a 405 from Next, say): compared as text.
    }
    answers.push({
      status: response.status,
      body: parsed,
      headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)])),
      cookie: normaliseCookie(setCookies),
    });
  }
  return answers;
}

function chunkedBody(bytes: number): () => ReadableStream<Uint8Array> {
  return () =>
    new ReadableStream({
      start(controller) {
        const chunk = new TextEncoder().encode(`{"productId":1,"quantity":1,"pad":"${"x".repeat(bytes)}"}`);
        controller.enqueue(chunk.subarray(0, 1000));
        controller.enqueue(chunk.subarray(1000));
        controller.close();
      },
    });
}

async function waitUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the lane-off server exited with ${child.exitCode}; see test-results/fast-lane-off.log`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

describe.skipIf(!state?.web[0]?.release)("the fast lane answers the cart API as Next's route handlers do", () => {
  beforeAll(async () => {
    const web1 = state!.web[0]!;
    laneUrl = inject("webUrls")[0] ?? web1.url;
    laneOffUrl = `http://127.0.0.1:${laneOffPort}`;
    laneOff = spawn(process.execPath, [join(releaseDir(web1.release!), "server.js")], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        ...webNodeEnv(state!, web1),
        PORT: String(laneOffPort),
        NODE_NAME: "web-1",
        SHOP_FAST_LANE: "0",
        SESSION_GC_INTERVAL_SECONDS: "0",
      },
      stdio: ["ignore", openSync(join("test-results", "fast-lane-off.log"), "a"), "inherit"],
    });
    await waitUp(`${laneOffUrl}/api/health`, laneOff);
  }, 90_000);

  afterAll(() => {
    laneOff?.kill("SIGTERM");
  });

  const key = () => `parity-${process.hrtime.bigint()}`;
  const scripts: [string, () => Step[]][] = [
    [
      "a shopper's cart from the first GET to the last DELETE",
      (): Step[] => {
        const k = key();
        return [
          { method: "GET", path: "/api/cart" },
          { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 2 }, headers: { "idempotency-key": k } },
          { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 2 }, headers: { "idempotency-key": k } },
          { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 3 }, headers: { "idempotency-key": k } },
          { method: "POST", path: "/api/cart/items", json: { productId: 4, quantity: 1 } },
          { method: "GET", path: "/api/cart" },
          { method: "PATCH", path: "/api/cart/items/1", json: { quantity: 5 } },
          { method: "PATCH", path: "/api/cart/items/4", json: { quantity: 0 } },
          { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 99 } },
          { method: "DELETE", path: "/api/cart/items/1" },
          { method: "DELETE", path: "/api/cart/items/1" },
          { method: "GET", path: "/api/cart" },
        ];
      },
    ],
    [
      "first change without a cookie, and over HTTPS from the trusted proxy",
      (): Step[] => [
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1 } },
        { method: "GET", path: "/api/cart", headers: { "x-forwarded-proto": "https" }, noCookie: true },
      ],
    ],
    [
      "client mistakes",
      (): Step[] => [
        { method: "GET", path: "/api/cart" },
        { method: "POST", path: "/api/cart/items", body: "{not json", headers: { "content-type": "application/json" } },
        { method: "POST", path: "/api/cart/items", body: "productId=1", headers: { "content-type": "text/plain" } },
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1, pad: "x".repeat(20_000) } },
        { method: "POST", path: "/api/cart/items", body: chunkedBody(20_000), headers: { "content-type": "application/json" } },
        { method: "POST", path: "/api/cart/items", body: chunkedBody(100), headers: { "content-type": "application/json" } },
        { method: "POST", path: "/api/cart/items", json: [1, 2] },
        { method: "POST", path: "/api/cart/items", json: { productId: "1", quantity: 1 } },
        { method: "POST", path: "/api/cart/items", json: { productId: 999_999, quantity: 1 } },
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1 }, headers: { "idempotency-key": "x" } },
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1 }, headers: { origin: "https://evil.example" } },
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1 }, headers: { "sec-fetch-site": "cross-site" } },
        { method: "PATCH", path: "/api/cart/items/abc", json: { quantity: 1 } },
        { method: "PATCH", path: "/api/cart/items/%31", json: { quantity: 2 } },
        { method: "PATCH", path: "/api/cart/items/1", json: { quantity: 100 } },
        { method: "DELETE", path: "/api/cart/items/1", headers: { origin: "http://evil.example" } },
        { method: "PUT", path: "/api/cart" },
        { method: "GET", path: "/api/cart/items" },
      ],
    ],
    [
      "tampered and unknown cookies",
      (): Step[] => [
        { method: "GET", path: "/api/cart", headers: { cookie: `sid=${"A".repeat(70)}` } },
        { method: "POST", path: "/api/cart/items", json: { productId: 1, quantity: 1 }, headers: { cookie: "sid=not-an-id" } },
        { method: "GET", path: "/api/cart", headers: { cookie: "sid=; other=1" } },
      ],
    ],
  ];

  it.each(scripts)("%s", async (_name, script) => {
    const [withLane, withoutLane] = await Promise.all([runScript(laneUrl, script()), runScript(laneOffUrl, script())]);
    expect(withLane).toEqual(withoutLane);
    expect(withLane.some((answer) => answer.status === 200)).toBe(true);
  });

  it("web-1 answers the cart API in the lane, not through Next's router", async () => {
    const viaNext = await fetch(`${laneOffUrl}/api/cart`);
    const viaLane = await fetch(`${laneUrl}/api/cart`);
    // Next's app router marks every route response with a Vary on its own request headers.
    expect(viaNext.headers.get("vary")).toMatch(/rsc/i);
    expect(viaLane.headers.get("vary")).toBeNull();
    expect(viaLane.status).toBe(200);
  });
});
