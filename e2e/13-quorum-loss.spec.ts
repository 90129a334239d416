// With two of the three Galera nodes killed the survivor loses its quorum
// (non-Primary, every query refused with 1047): pages are the shop's own
// outage page (503, Retry-After, says the cart is kept), the JSON API answers
// 503 {"error":{"code":"unavailable"}} within 2 s, nothing is ever nginx's
// own error page, and once the nodes are back the shop recovers by itself
// with the cart as it was.
import { test, expect } from "./fixtures";
import { shopBaseUrl, clusterMode } from "./support/target";

test.skip(clusterMode !== "local", "kills two of the three Galera nodes of the local cluster");

const API_BOUND_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timedGet(path: string, cookie: string) {
  const started = Date.now();
  const response = await fetch(`${shopBaseUrl()}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  return { status: response.status, body, ms: Date.now() - started, headers: response.headers };
}

/** nginx's own error pages name nginx and carry no X-Served-By of a web node or of the lb's outage page. */
function expectNotNginxPage(response: { status: number; body: string; headers: Headers }, what: string) {
  expect(response.body, `${what}: nginx's own page`).not.toMatch(/<center>nginx|Bad Gateway|Service Temporarily Unavailable/);
  expect(response.headers.get("x-served-by"), `${what}: X-Served-By`).toBeTruthy();
}

test("with the database cluster out of quorum pages show the shop's outage page and the API answers 503 JSON within 2 s, never nginx's page; the shop recovers by itself", async ({
  shop,
  catalog,
  cluster,
}) => {
  test.setTimeout(240_000);
  await shop.goto("/");
  expect((await shop.addFromCatalog(catalog[0]!)).ok()).toBe(true);
  await shop.expectCartCount(1);
  const cookie = (await shop.page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const [, second, third] = cluster.storageNodes();

  await cluster.kill(second!);
  await cluster.kill(third!);
  try {
    // The survivor notices within a couple of seconds; until then requests may still succeed.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const api = await timedGet("/api/cart", cookie);
      expectNotNginxPage(api, "GET /api/cart while the cluster loses quorum");
      if (api.status === 503) break;
      expect(api.status, "GET /api/cart before the outage shows").toBe(200);
      expect(Date.now(), "the outage shows within 20 s").toBeLessThan(deadline);
      await sleep(250);
    }
    // Every web node must have seen the outage once (round robin: six answers in a row reach
    // each node twice); the first request on a node at the outage's onset also waits out
    // Galera's failure detection and may take longer than the bound below.
    for (let streak = 0; streak < 6; ) {
      const api = await timedGet("/api/cart", cookie);
      expectNotNginxPage(api, "GET /api/cart while the outage settles");
      streak = api.status === 503 ? streak + 1 : 0;
      expect(Date.now(), "every node shows the outage within 20 s").toBeLessThan(deadline + 10_000);
    }
    const cartMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const cart = await timedGet("/api/cart", cookie);
      cartMs.push(cart.ms);
      expect(cart.status, `GET /api/cart ${i}`).toBe(503);
      // Issue 15's bound. Every node must meet it, including those whose own database node is dead
      // (lib/db/database.ts: no request waits for a probe of a marked-down endpoint).
      expect(cart.ms, `GET /api/cart ${i} answered within ${API_BOUND_MS} ms`).toBeLessThan(API_BOUND_MS);
      expect(JSON.parse(cart.body).error.code, `GET /api/cart ${i}`).toBe("unavailable");
      expect(cart.headers.get("retry-after"), `GET /api/cart ${i}: Retry-After`).toMatch(/^\d+$/);
      expectNotNginxPage(cart, `GET /api/cart ${i}`);
      // The catalog is cached in each process (lib/catalog), so it may still be served read-only;
      // if not, it is the same 503 JSON. Either way within 2 s and never nginx's page.
      const products = await timedGet("/api/products", cookie);
      expect([200, 503], `GET /api/products ${i}`).toContain(products.status);
      expect(products.ms, `GET /api/products ${i} answered within ${API_BOUND_MS} ms`).toBeLessThan(API_BOUND_MS);
      if (products.status === 503) expect(JSON.parse(products.body).error.code).toBe("unavailable");
      expectNotNginxPage(products, `GET /api/products ${i}`);
    }
    test.info().annotations.push({ type: "api-503-ms", description: `GET /api/cart during the outage: ${cartMs.join(", ")} ms` });

    // Pages: the outage page, as the browser sees it (the first page view of a node may still
    // find out the hard way and show the shop's own error page; never nginx's).
    let consecutive = 0;
    for (let view = 0; view < 20 && consecutive < 5; view++) {
      const response = await shop.page.goto(view % 2 === 0 ? "/" : "/cart");
      const body = await response!.text();
      expectNotNginxPage({ status: response!.status(), body, headers: new Headers(response!.headers()) }, `page view ${view}`);
      if (response!.status() === 503) {
        consecutive++;
        expect(response!.headers()["retry-after"], "Retry-After").toMatch(/^\d+$/);
        await expect(shop.page.getByRole("heading", { level: 1, name: "We’ll be back in a moment" })).toBeVisible();
        await expect(shop.page.getByText("Your cart and your sign-in are kept.")).toBeVisible();
      } else {
        consecutive = 0;
        expect(response!.status(), `page view ${view}: the outage page or the shop's own error page`).toBe(500);
      }
    }
    expect(consecutive, "consecutive outage pages").toBe(5);
    await shop.page.screenshot({ path: test.info().outputPath("outage-page.png") });
  } finally {
    await cluster.startAll([second!, third!]);
  }

  // Back by itself: the outage page's own refresh (or a reload) gets the shop again, with the cart.
  await expect(async () => {
    const response = await shop.page.reload();
    expect(response!.status()).toBe(200);
  }).toPass({ timeout: 30_000 });
  await shop.goto("/cart");
  await shop.expectCartCount(1);
  expect((await shop.cart()).totalQuantity).toBe(1);
});
