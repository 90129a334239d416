// The fixtures every spec imports instead of @playwright/test:
// - cluster: kill/stop/start nodes (local CLI or docker compose); whatever a
//   test left down is started again when the test ends, and the test does not
//   end before the whole cluster is back in nginx's rotation;
// - shop: the page object over the test's page;
// - signedInPage: the test's page, signed in as alice through the sign-in page;
// - catalog: the seeded products (GET /api/products);
// - browserFailures: every response >= 500 and every failed request the test's
//   page saw (page.on('response'/'requestfailed')), for specs that promise 0.
import { test as base, expect, type Page } from "@playwright/test";
import { createClusterControl, type ClusterControl } from "./support/cluster-control";
import { ShopPage, type Product } from "./pages/shop-page";

/** What the browser saw fail: responses >= 500 and requests that got no response at all. */
export interface BrowserFailures {
  readonly list: string[];
  /** Requests the page made since the fixture started. */
  readonly requests: number;
}

type Fixtures = {
  browserFailures: BrowserFailures;
  cluster: ClusterControl;
  shop: ShopPage;
  signedInPage: Page;
  catalog: Product[];
};

const control = createClusterControl();

export const test = base.extend<Fixtures>({
  cluster: async ({}, use, testInfo) => {
    const down = new Set<string>();
    const tracked: ClusterControl = {
      mode: control.mode,
      canControl: control.canControl,
      webNodes: () => control.webNodes(),
      dbNodes: () => control.dbNodes(),
      storageNodes: () => control.storageNodes(),
      primaryDbOf: (webNode) => control.primaryDbOf(webNode),
      servedBy: control.servedBy,
      waitUntilWhole: () => control.waitUntilWhole(),
      deployWeb: () => control.deployWeb(),
      deployDb: () => control.deployDb(),
      releases: () => control.releases(),
      setIdleTimeout: (seconds) => control.setIdleTimeout(seconds),
      kill: async (name) => {
        down.add(name);
        await control.kill(name);
      },
      stop: async (name) => {
        down.add(name);
        await control.stop(name);
      },
      start: async (name) => {
        await control.start(name);
        down.delete(name);
      },
      startAll: async (names) => {
        await control.startAll(names);
        for (const name of names) down.delete(name);
      },
    };
    await use(tracked);
    // Safety net for a test that failed before its own `finally` restarted a node.
    if (down.size > 0) {
      for (const name of down) testInfo.annotations.push({ type: "restarted after the test", description: name });
      await control.startAll([...down]);
    }
  },

  browserFailures: async ({ page }, use) => {
    const failures = { list: [] as string[], requests: 0 };
    page.on("request", () => failures.requests++);
    page.on("response", (response) => {
      if (response.status() >= 500) {
        const request = response.request();
        failures.list.push(`${response.status()} ${request.method()} ${response.url()} (${response.headers()["x-served-by"] ?? "?"})`);
      }
    });
    page.on("requestfailed", (request) => {
      const reason = request.failure()?.errorText ?? "failed";
      // A navigation or prefetch the page itself cancelled (a newer navigation started) is not a failure.
      if (reason === "net::ERR_ABORTED") return;
      failures.list.push(`${reason} ${request.method()} ${request.url()}`);
    });
    await use(failures);
  },

  shop: async ({ page }, use) => {
    await use(new ShopPage(page));
  },

  signedInPage: async ({ shop }, use) => {
    await shop.signIn();
    await use(shop.page);
  },

  catalog: async ({ request }, use) => {
    const response = await request.get("/api/products");
    expect(response.status(), "GET /api/products").toBe(200);
    const products = (await response.json()) as Product[];
    expect(products.length, "seeded products").toBeGreaterThanOrEqual(6);
    await use(products);
  },
});

export { expect };
