import { test, expect } from "./fixtures";
import { ShopPage, quantityOf } from "./pages/shop-page";

test("two tabs adding different products at the same moment on different nodes both end up in the cart", async ({
  shop,
  catalog,
  cluster,
}) => {
  const [a, b] = [catalog[4]!, catalog[5]!];
  // The first page view starts the session; the second tab shares its cookie.
  await shop.goto("/");
  const other = new ShopPage(await shop.page.context().newPage());
  await other.goto("/");

  // Round robin usually sends two simultaneous posts to two nodes; if not, try the pair again.
  const multiNode = cluster.webNodes().length > 1;
  let attempts = 0;
  let nodes: [string, string] = ["", ""];
  do {
    attempts += 1;
    const [first, second] = await Promise.all([shop.addFromCatalog(a), other.addFromCatalog(b)]);
    expect(first.ok() && second.ok(), "both adds answered").toBe(true);
    nodes = [cluster.servedBy(first), cluster.servedBy(second)];
  } while (multiNode && nodes[0] === nodes[1] && attempts < 5);
  test.info().annotations.push({ type: "served by", description: `${nodes.join(" and ")} (attempts: ${attempts})` });
  if (multiNode) expect(nodes[0], "the two adds were served by different nodes").not.toBe(nodes[1]);

  const cart = await shop.cart();
  expect(quantityOf(cart, a), a.name).toBe(attempts);
  expect(quantityOf(cart, b), b.name).toBe(attempts);
  for (const tab of [shop, other]) {
    await tab.goto("/cart");
    await expect(tab.cartLine(a)).toBeVisible();
    await expect(tab.cartLine(b)).toBeVisible();
    await tab.expectCartCount(2 * attempts);
  }
});
