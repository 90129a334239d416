import { test, expect } from "./fixtures";
import { ShopPage } from "./pages/shop-page";

test("signing out in one tab signs the visitor out on every node, and replaying the old cookies is anonymous", async ({
  signedInPage,
  browser,
  baseURL,
  cluster,
}) => {
  const context = signedInPage.context();
  const oldCookies = await context.cookies();
  expect(oldCookies.map((cookie) => cookie.name)).toEqual(expect.arrayContaining(["next-auth.session-token"]));

  const other = new ShopPage(await context.newPage());
  await other.goto("/account");
  await other.expectSignedIn();

  await new ShopPage(signedInPage).signOut();

  // Every node: /api/auth/session is empty, and the account page sends the visitor to sign in.
  const webNodes = cluster.webNodes();
  const seen = new Set<string>();
  for (let request = 0; request < 6 || (request < 15 && !webNodes.every((node) => seen.has(node))); request++) {
    const { body, response } = await other.authSession();
    expect(body, `/api/auth/session on ${cluster.servedBy(response)}`).toEqual({});
    seen.add(cluster.servedBy(response));
  }
  for (let view = 0; view < 3; view++) {
    const response = await other.page.goto("/account");
    await expect(other.page).toHaveURL(/\/sign-in\?callbackUrl=(%2F|\/)account$/);
    seen.add(cluster.servedBy(response));
    await other.expectSignedOut();
  }
  if (webNodes.length > 0) expect([...seen].sort(), "nodes that answered signed out").toEqual([...webNodes].sort());

  // Cookies saved before the sign-out, replayed in a fresh browser: refused as just rotated, and anonymous.
  const replay = await browser.newContext({ baseURL });
  try {
    await replay.addCookies(oldCookies);
    const stranger = new ShopPage(await replay.newPage());
    expect((await stranger.authSession()).body).toEqual({});
    expect(await stranger.cartResponse()).toMatchObject({ status: 409, body: { error: { code: "session_rotated" } } });
    await stranger.page.goto("/account");
    await expect(stranger.page).toHaveURL(/\/sign-in/);
    await stranger.expectSignedOut();
  } finally {
    await replay.close();
  }
});
