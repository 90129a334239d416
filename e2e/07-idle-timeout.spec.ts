import { test, expect } from "./fixtures";
import { clusterMode } from "./support/target";

test.skip(clusterMode === "external", "E2E_BASE_URL: this spec restarts the web nodes with a short idle timeout");

const idleTimeoutSeconds = 8;

test("after the idle timeout the cart is empty, the visitor is signed out, and the page says the session expired", async ({
  shop,
  catalog,
  cluster,
}) => {
  // Two rolling restarts of the web tier (short timeout, then back to the default).
  test.setTimeout(clusterMode === "compose" ? 900_000 : 360_000);
  const product = catalog[7]!;
  await cluster.setIdleTimeout(idleTimeoutSeconds);
  try {
    await shop.goto("/");
    await shop.addFromCatalog(product);
    await shop.expectCartCount(1);
    await shop.signIn();
    await shop.goto("/cart");
    await shop.expectSignedIn();
    await expect(shop.cartLine(product)).toBeVisible();
    await expect(shop.expiredBanner).toHaveCount(0);

    // Idle: no request at all for longer than the timeout.
    await shop.page.waitForTimeout((idleTimeoutSeconds + 2) * 1000);
    await shop.reload();

    await expect(shop.expiredBanner).toBeVisible();
    await expect(shop.expiredBanner).toContainText("empty your cart and sign you out");
    await shop.expectSignedOut();
    await shop.expectCartCount(0);
    await expect(shop.page.getByText("Your cart is empty")).toBeVisible();
    expect((await shop.cart()).totalQuantity).toBe(0);
    expect((await shop.authSession()).body).toEqual({});
  } finally {
    await cluster.setIdleTimeout(null);
  }
});
