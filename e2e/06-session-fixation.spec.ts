import { test, expect } from "./fixtures";
import { ShopPage, quantityOf } from "./pages/shop-page";
import type { BrowserContext } from "@playwright/test";

async function sessionCookie(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === "sid" || c.name === "__Host-sid");
  expect(cookie, "the session cookie").toBeDefined();
  return cookie!;
}

test("signing in replaces the session cookie, and the cookie from before sign-in no longer works", async ({
  shop,
  catalog,
  browser,
  baseURL,
}) => {
  const product = catalog[6]!;
  await shop.goto("/");
  await shop.addFromCatalog(product);
  await shop.expectCartCount(1);
  const before = await sessionCookie(shop.page.context());

  await shop.signIn();
  const after = await sessionCookie(shop.page.context());
  expect(after.value, "session id after sign-in").not.toBe(before.value);
  expect(quantityOf(await shop.cart(), product), "the cart came along").toBe(1);

  // An attacker who planted (or saw) the pre-sign-in id gets nothing with it.
  const attacker = await browser.newContext({ baseURL });
  try {
    await attacker.addCookies([before]);
    const page = new ShopPage(await attacker.newPage());
    expect(await page.cartResponse(), "the cart API refuses the old id").toMatchObject({ status: 409, body: { error: { code: "session_rotated" } } });
    expect((await page.authSession()).body, "session seen with the old id").toEqual({});
    await page.page.goto("/account");
    await expect(page.page).toHaveURL(/\/sign-in/);
    await page.expectSignedOut();
  } finally {
    await attacker.close();
  }

  // The visitor's own browser is unaffected.
  await shop.goto("/account");
  await shop.expectSignedIn();
});
