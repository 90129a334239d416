import { test, expect } from "./fixtures";
import { alice } from "./pages/shop-page";
import { addTwoProductsAndSignIn, keepShopping, requestUntilServedBy } from "./support/journeys";
import { clusterMode } from "./support/target";

test.skip(clusterMode === "external", "E2E_BASE_URL: this spec kills nodes of the cluster it started");

// Killing and restarting a database node (a Galera node rejoins by IST; an NDB SQL
// or data node restarts more slowly) takes a while.
const timeout = clusterMode === "compose" ? 600_000 : 240_000;

test("killing the database node the serving web node uses first keeps alice signed in with her cart, and the next add works", async ({
  shop,
  catalog,
  cluster,
}) => {
  test.setTimeout(timeout);
  const [first, second, third] = catalog;
  await addTwoProductsAndSignIn(shop, [first!, second!]);

  const webNode = cluster.servedBy(await shop.goto("/cart"));
  const victim = cluster.primaryDbOf(webNode);
  await expect(shop.cartLine(second!)).toBeVisible();
  await cluster.kill(victim);
  try {
    // The web node whose own database died fails over to another one: it still knows alice and her cart.
    const session = await requestUntilServedBy(shop, "/api/auth/session", webNode);
    expect(session.status()).toBe(200);
    expect((await session.json()).user?.email, `signed in, as ${webNode} sees it`).toBe(alice.email);
    const cart = await requestUntilServedBy(shop, "/api/cart", webNode);
    expect(cart.status()).toBe(200);
    expect((await cart.json()).totalQuantity, `cart, as ${webNode} sees it`).toBe(2);
    await keepShopping(shop, { inCart: [first!, second!], next: third! });
  } finally {
    await cluster.start(victim);
  }
});

test("killing a storage node the serving web node does not talk to keeps alice signed in with her cart, and the next add works", async ({
  shop,
  catalog,
  cluster,
}) => {
  test.setTimeout(timeout);
  const [first, second, third] = catalog.slice(3);
  await addTwoProductsAndSignIn(shop, [first!, second!]);

  // Locally a Galera node other than the served node's own (the group shrinks under it);
  // in compose an NDB data node (its partner takes over every fragment).
  const webNode = cluster.servedBy(await shop.goto("/cart"));
  const own = cluster.dbNodes().length > 0 ? cluster.primaryDbOf(webNode) : null;
  const victim = cluster.storageNodes().filter((name) => name !== own).at(-1)!;
  expect(victim, "a storage node to kill").toBeTruthy();
  await cluster.kill(victim);
  try {
    await keepShopping(shop, { inCart: [first!, second!], next: third! });
  } finally {
    await cluster.start(victim);
  }
});
