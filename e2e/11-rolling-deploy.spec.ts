// A shopper keeps shopping while `npm run cluster -- deploy` builds a new
// release and rolls every web node onto it: pages rendered by the old build
// keep navigating, adding and checking out against nodes on the new one
// (deploymentId, the shared Server Actions key, old chunks kept in the new
// release), and the browser sees no response >= 500 and no failed request.
import { test, expect } from "./fixtures";
import { quantityOf, type Product, type ShopPage } from "./pages/shop-page";
import { clusterMode } from "./support/target";

test.skip(clusterMode !== "local", "deploy drives the local cluster's CLI (cluster/index.ts deployWeb)");

type Added = Map<number, number>;

/** One round of shopping: catalog, an add from a card, a client navigation, an add on the product page, the cart. */
async function shopOnce(shop: ShopPage, [a, b]: [Product, Product], added: Added): Promise<void> {
  await shop.goto("/");
  expect((await shop.addFromCatalog(a)).ok(), `add ${a.name}`).toBe(true);
  added.set(a.id, (added.get(a.id) ?? 0) + 1);
  await shop.expectCartCount(total(added));
  await shop.openProduct(b);
  expect((await shop.addOnProductPage()).ok(), `add ${b.name}`).toBe(true);
  added.set(b.id, (added.get(b.id) ?? 0) + 1);
  await shop.expectCartCount(total(added));
  await shop.goto("/cart");
  await shop.expectCartCount(total(added));
}

const total = (added: Added) => [...added.values()].reduce((sum, n) => sum + n, 0);

test("a shopper navigating, adding, signing in and checking out during a rolling deploy of every web node sees no error and keeps an exact cart", async ({
  shop,
  catalog,
  cluster,
  browserFailures,
}) => {
  // One `next build` (about 2-3 minutes on this machine) plus three node restarts.
  test.setTimeout(420_000);
  const before = cluster.releases();
  const pairs: [Product, Product][] = [
    [catalog[0]!, catalog[1]!],
    [catalog[2]!, catalog[3]!],
    [catalog[4]!, catalog[5]!],
  ];
  const added: Added = new Map();
  let deployDone = false;
  let deployError: unknown = null;
  const deploy = cluster.deployWeb().then(
    (result) => {
      deployDone = true;
      return result;
    },
    (error: unknown) => {
      deployDone = true;
      deployError = error;
      return null;
    },
  );

  const rolling = () => Object.entries(cluster.releases()).some(([name, release]) => release !== before[name]);
  let rounds = 0;
  let roundsWhileRolling = 0;
  let signedIn = false;
  let order: { id: number; quantities: Added } | null = null;
  while (!deployDone || rounds < 2) {
    const duringRoll = rolling() && !deployDone;
    await shopOnce(shop, pairs[rounds % pairs.length]!, added);
    rounds++;
    if (duringRoll) roundsWhileRolling++;
    // Sign in and check out once the nodes are being rolled: the old build's pages post to new nodes.
    if ((duringRoll || deployDone) && !signedIn) {
      await shop.signIn();
      signedIn = true;
      await shop.expectCartCount(total(added));
    } else if (signedIn && !order) {
      const cart = await shop.cart();
      for (const [productId, quantity] of added) expect(quantityOf(cart, { id: productId }), `product ${productId} before checkout`).toBe(quantity);
      await shop.goto("/cart");
      await shop.page.getByRole("button", { name: "Check out" }).click();
      await expect(shop.page).toHaveURL(/\/account\?order=\d+/, { timeout: 30_000 });
      await shop.expectNoErrorPage();
      order = { id: Number(new URL(shop.page.url()).searchParams.get("order")), quantities: new Map(added) };
      added.clear();
      await shop.expectCartCount(0);
    }
  }
  const result = await deploy;
  expect(deployError, "deploy").toBeNull();
  expect(result!.nodes.map((node) => node.name)).toEqual(cluster.webNodes());
  for (const node of cluster.webNodes()) expect(cluster.releases()[node], `${node} runs the new release`).toBe(result!.release);
  expect(result!.release).not.toBe(result!.previous);
  test.info().annotations.push({
    type: "deploy",
    description: `${result!.release}: ${result!.nodes.map((n) => `${n.name} ${(n.totalMs / 1000).toFixed(1)} s`).join(", ")}; ${rounds} rounds, ${roundsWhileRolling} while rolling, ${browserFailures.requests} requests`,
  });
  expect(roundsWhileRolling, "shopping rounds that ran while nodes were being rolled").toBeGreaterThan(0);

  // The order holds exactly what was in the cart, and the cart exactly what was added since.
  expect(order, "a checkout happened").not.toBeNull();
  const orders = (await (await shop.page.request.get("/api/orders")).json()) as { id: number; lines: { productId: number; quantity: number }[] }[];
  const placed = orders.find((candidate) => candidate.id === order!.id);
  expect(placed, `order ${order!.id}`).toBeTruthy();
  expect(Object.fromEntries(placed!.lines.map((line) => [line.productId, line.quantity]))).toEqual(Object.fromEntries(order!.quantities));
  const cart = await shop.cart();
  expect(cart.totalQuantity).toBe(total(added));
  for (const [productId, quantity] of added) expect(quantityOf(cart, { id: productId })).toBe(quantity);
  await shop.goto("/cart");
  await shop.expectSignedIn();

  expect(browserFailures.list, "responses >= 500 and failed requests the browser saw").toEqual([]);
});
