// The fixtures every spec imports instead of @playwright/test:
// - cluster: kill/stop/start nodes (local CLI or docker compose); whatever a
//   test left down is started again when the test ends, and the test does not
//   end before the whole cluster is back in nginx's rotation;
// - shop: the page object over the test's page;
// - signedInPage: the test's page, signed in as alice through the sign-in page;
// - catalog: the seeded products (GET /api/products).
import { test as base, expect, type Page } from "@playwright/test";
import { createClusterControl, type ClusterControl } from "./support/cluster-control";
import { ShopPage, type Product } from "./pages/shop-page";

type Fixtures = {
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
    };
    await use(tracked);
    // Safety net for a test that failed before its own `finally` restarted a node.
    for (const name of down) {
      testInfo.annotations.push({ type: "restarted after the test", description: name });
      await control.start(name);
    }
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
