import { test, expect } from "./fixtures";
import { items, quantityOf } from "./pages/shop-page";
import { clusterMode } from "./support/target";

test.skip(clusterMode === "external", "E2E_BASE_URL: this spec kills nodes of the cluster it started");

const clicks = 6;
const killAfterClick = 3;
const unavailable = "The shop couldn't update your cart just now. Please try again.";

test("a web node killed between quick Add to cart clicks shows no error page and loses or duplicates no add", async ({
  shop,
  catalog,
  cluster,
}) => {
  // Killing and restarting a node (a Galera node rejoins by IST) takes a while.
  test.setTimeout(clusterMode === "compose" ? 600_000 : 240_000);
  const product = catalog[3]!;
  const { page } = shop;
  await shop.goto(`/products/${product.slug}`);

  let successes = 0;
  let victim: string | null = null;
  try {
    for (let click = 1; click <= clicks; click++) {
      const response = await shop.addOnProductPage();
      // The form's status line: success names the new total; a failure says so plainly.
      const added = page.getByText(`Your cart now holds ${items(successes + 1)}.`);
      await expect(added.or(page.getByText(unavailable))).toBeVisible();
      if (await added.isVisible()) successes += 1;
      await shop.expectNoErrorPage();
      if (click === killAfterClick) {
        victim = cluster.servedBy(response);
        await cluster.kill(victim);
      }
    }
  } finally {
    if (victim) await cluster.start(victim);
  }

  const cart = await shop.cart();
  expect(quantityOf(cart, product), "quantity in the cart = successful clicks").toBe(successes);
  expect.soft(successes, "clicks that succeeded (a killed node should cost none)").toBe(clicks);
  await shop.goto("/cart");
  await expect(shop.cartLine(product).getByLabel("Quantity")).toHaveValue(String(successes));
});
