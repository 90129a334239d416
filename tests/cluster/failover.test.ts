// The cluster's promise, through nginx as a visitor sees it: round robin over
// every web node, and a cart that survives the crash of a web node and of a
// database node. Every test heals what it broke.
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { clusterStatus, killNode, quietLogger, startNode, type ClusterState } from "@/cluster/index";
import { Visitor } from "../support/http-client";
import { firstProductIds, galeraSizes, requireCluster, restoreCluster } from "./helpers";

interface CartBody {
  items: { productId: number; quantity: number }[];
  totalQuantity: number;
}

let state: ClusterState;
let productIds: number[];

beforeAll(async () => {
  state = requireCluster();
  await restoreCluster(state);
  productIds = await firstProductIds(state.lbUrl, 2);
});

afterEach(async () => {
  await restoreCluster(state);
});

describe("the local cluster through nginx", () => {
  test("30 requests are served by all three web nodes", async () => {
    const servedBy: string[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${state.lbUrl}/api/health`);
      expect(response.status).toBe(200);
      await response.body?.cancel();
      servedBy.push(response.headers.get("x-served-by") ?? "none");
    }
    expect(new Set(servedBy)).toEqual(new Set(state.web.map((node) => node.name)));
  });

  test("16 concurrent adds to one cart, spread over every web node and so every Galera node, all land", async () => {
    const visitor = new Visitor(state.lbUrl);
    expect((await visitor.json("/api/cart")).status).toBe(200);
    const cookie = visitor.cookieHeader();
    const adds = 16;
    const statuses = await Promise.all(
      Array.from({ length: adds }, async (_, i) => {
        const node = state.web[i % state.web.length]!;
        const response = await fetch(`${node.url}/api/cart/items`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ productId: productIds[0], quantity: 1 }),
        });
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(statuses).toEqual(Array(adds).fill(200));
    const { body } = await visitor.json<CartBody>("/api/cart");
    expect(body.totalQuantity).toBe(adds);
  });

  test("a cart survives the crash of web-2: the next 30 requests succeed and the cart is intact", async () => {
    const visitor = new Visitor(state.lbUrl);
    const [first, second] = productIds as [number, number];
    expect((await visitor.add(first, 2)).status).toBe(200);
    expect((await visitor.add(second, 1)).status).toBe(200);
    const before = await visitor.json<CartBody>("/api/cart");

    await killNode("web-2", quietLogger);

    const servedBy = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { status, body } = await visitor.json<CartBody>("/api/cart");
      expect(status).toBe(200);
      expect(body.items).toEqual(before.body.items);
      servedBy.add(visitor.lastServedBy ?? "none");
    }
    expect(servedBy.has("web-2")).toBe(false);
    const after = await visitor.add(first, 1);
    expect(after.status).toBe(200);
    expect((after.body as CartBody).totalQuantity).toBe(before.body.totalQuantity + 1);
  });

  test("cart writes keep succeeding while db-2 is killed, and none is lost", async () => {
    const visitors = [new Visitor(state.lbUrl), new Visitor(state.lbUrl)];
    const addsPerVisitor = 24;
    const killAfter = 6;
    const statuses: number[] = [];
    let killed: Promise<void> | undefined;

    // Two visitors add one item at a time; db-2 dies under them. Each add carries
    // an Idempotency-Key, as the shop's own forms do, so a request cut off
    // mid-flight may be retried by nginx or the app without counting twice.
    await Promise.all(
      visitors.map(async (visitor, v) => {
        for (let i = 0; i < addsPerVisitor; i++) {
          if (v === 0 && i === killAfter) killed = killNode("db-2", quietLogger);
          const { status } = await visitor.add(productIds[v]!, 1, `stall-${randomUUID()}`);
          statuses.push(status);
        }
      }),
    );
    await killed;

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    for (const [v, visitor] of visitors.entries()) {
      const { body } = await visitor.json<CartBody>("/api/cart");
      expect(body.items).toEqual([expect.objectContaining({ productId: productIds[v], quantity: addsPerVisitor })]);
    }
    const db2 = (await clusterStatus()).find((node) => node.name === "db-2");
    expect(db2?.up).toBe(false);
  });

  test("killed nodes rejoin: Galera is back to 3 nodes and web-2 is healthy", async () => {
    await killNode("web-2", quietLogger);
    await killNode("db-2", quietLogger);
    await startNode("db-2", quietLogger);
    await startNode("web-2", quietLogger);

    expect(await galeraSizes()).toEqual({ "db-1": 3, "db-2": 3, "db-3": 3 });
    const web2 = state.web.find((node) => node.name === "web-2")!;
    const health = await fetch(`${web2.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ node: "web-2", db: "ok" });
  });
});
