import { test, expect } from "./fixtures";
import { ShopPage } from "./pages/shop-page";

test("signing out everywhere from the account page signs out another browser on every node", async ({
  signedInPage,
  browser,
  baseURL,
}) => {
  // A second device: another browser context, signed in as alice too.
  const laptop = await browser.newContext({ baseURL });
  try {
    const other = new ShopPage(await laptop.newPage());
    await other.signIn();

    const phone = new ShopPage(signedInPage);
    await phone.goto("/account");
    await phone.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(phone.page).toHaveURL(/\/sign-in\?signedOut=everywhere$/);
    await expect(phone.page.getByRole("status").filter({ hasText: "You are signed out everywhere." })).toBeVisible();
    await phone.expectSignedOut();

    for (let request = 0; request < 6; request++) {
      expect((await other.authSession()).body, "the other browser's /api/auth/session").toEqual({});
    }
    await other.goto("/");
    await other.expectSignedOut();
  } finally {
    await laptop.close();
  }
});
