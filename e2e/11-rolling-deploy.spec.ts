// A shopper keeps shopping while `npm run cluster -- deploy` builds a new
// release and rolls every web node onto it: pages rendered by the old build
// keep navigating, adding and checking out against nodes on the new one
// (deploymentId, the shared Server Actions key, old chunks kept in the new
// release), and the browser sees no response >= 500 and no failed request.
import { test, expect } from "./fixtures";
import { quantityOf, type Product } from "./pages/shop-page";
import { asRecord, checkOut, orderQuantities, shopOnce, totalOf, type Added } from "./support/shopping-rounds";
import { clusterMode } from "./support/target";

test.skip(clusterMode !== "local", "deploy drives the local cluster's CLI (cluster/index.ts deployWeb)");

test("a shopper navigating, adding, signing in and checking out during a rolling deploy of every web node sees no error and keeps an exact cart", async ({
  shop,
  catalog,
  cluster,
  browserFailures,
}) => {
  // One `next build` (2-3 minutes on this machine, longer while it is busy) plus three node restarts.
  test.setTimeout(480_000);
  const before = cluster.releases();
  const pairs: [Product, Product][] = [
    [catalog[0]!, catalog[1]!],
    [catalog[2]!, catalog[3]!],
    [catalog[4]!, catalog[5]!],
  ];
  const added: Added = new Map();
  let deployDone = false;
  const deploy = cluster.deployWeb().finally(() => {
    deployDone = true;
  });
  deploy.catch(() => undefined);

  const rolling = () => Object.entries(cluster.releases()).some(([name, release]) => release !== before[name]);
  let rounds = 0;
  let roundsWhileRolling = 0;
  let signedIn = false;
  let order: { id: number; quantities: Record<string, number> } | null = null;
  while (!deployDone || rounds < 2 || !order) {
    const duringRoll = rolling() && !deployDone;
    await shopOnce(shop, pairs[rounds % pairs.length]!, added);
    rounds++;
    if (duringRoll) roundsWhileRolling++;
    // Sign in, then check out, once the nodes are being rolled: the old build's pages post to new nodes.
    if (!signedIn && (duringRoll || deployDone)) {
      await shop.signIn();
      signedIn = true;
      await shop.expectCartCount(totalOf(added));
    } else if (signedIn && !order) {
      const cart = await shop.cart();
      for (const [id, quantity] of added) expect(quantityOf(cart, { id }), `product ${id} before checkout`).toBe(quantity);
      const quantities = asRecord(added);
      order = { id: await checkOut(shop), quantities };
      added.clear();
    }
  }
  const result = await deploy;
  expect(result.nodes.map((node) => node.name)).toEqual(cluster.webNodes());
  for (const node of cluster.webNodes()) expect(cluster.releases()[node], `${node} runs the new release`).toBe(result.release);
  expect(result.release).not.toBe(result.previous);
  test.info().annotations.push({
    type: "deploy",
    description:
      `${result.release}: ${result.nodes.map((n) => `${n.name} ${(n.totalMs / 1000).toFixed(1)} s`).join(", ")}; ` +
      `${rounds} rounds, ${roundsWhileRolling} while rolling, ${browserFailures.requests} browser requests`,
  });
  expect(roundsWhileRolling, "shopping rounds that began while nodes were being rolled").toBeGreaterThan(0);

  // The order holds exactly what was in the cart, and the cart exactly what was added since.
  expect(await orderQuantities(shop, order!.id)).toEqual(order!.quantities);
  const cart = await shop.cart();
  expect(cart.totalQuantity).toBe(totalOf(added));
  for (const [id, quantity] of added) expect(quantityOf(cart, { id })).toBe(quantity);
  await shop.goto("/cart");
  await shop.expectSignedIn();

  expect(browserFailures.list, "responses >= 500 and failed requests the browser saw").toEqual([]);
});
