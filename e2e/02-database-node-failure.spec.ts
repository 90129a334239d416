import { test, expect } from "./fixtures";
import { addTwoProductsAndSignIn, keepShopping, visitCartUntilServedBy } from "./support/journeys";
import { clusterMode } from "./support/target";

test.skip(clusterMode === "external", "E2E_BASE_URL: this spec kills nodes of the cluster it started");

test("killing the database node the serving web node uses first keeps alice signed in with her cart, and the next add works", async ({
  shop,
  catalog,
  cluster,
}) => {
  // Killing and restarting a node (a Galera node rejoins by IST) takes a while.
  test.setTimeout(240_000);
  const [first, second, third] = catalog;
  await addTwoProductsAndSignIn(shop, [first!, second!]);

  const webNode = cluster.servedBy(await shop.goto("/cart"));
  const victim = cluster.primaryDbOf(webNode);
  await expect(shop.cartLine(second!)).toBeVisible();
  await cluster.kill(victim);
  try {
    // The web node whose own database died must fail over to another one.
    await visitCartUntilServedBy(shop, webNode);
    await shop.expectSignedIn();
    await expect(shop.cartLine(second!)).toBeVisible();
    await keepShopping(shop, { inCart: [first!, second!], next: third! });
  } finally {
    await cluster.start(victim);
  }
});
