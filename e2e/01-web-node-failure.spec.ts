import { test, expect } from "./fixtures";
import { addTwoProductsAndSignIn, keepShopping } from "./support/journeys";
import { clusterMode } from "./support/target";

test.skip(clusterMode === "external", "E2E_BASE_URL: this spec kills nodes of the cluster it started");

test("killing the web node that served the last page keeps alice signed in with her cart, and the next add works", async ({
  shop,
  catalog,
  cluster,
}) => {
  // Killing and restarting a node (a Galera node rejoins by IST) takes a while.
  test.setTimeout(clusterMode === "compose" ? 600_000 : 240_000);
  const [first, second, third] = catalog;
  await addTwoProductsAndSignIn(shop, [first!, second!]);

  const victim = cluster.servedBy(await shop.goto("/cart"));
  await expect(shop.cartLine(first!)).toBeVisible();
  await cluster.kill(victim);
  try {
    await keepShopping(shop, { inCart: [first!, second!], next: third!, avoid: victim });
  } finally {
    await cluster.start(victim);
  }
});
