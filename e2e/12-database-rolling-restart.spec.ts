// A shopper keeps shopping while `npm run cluster -- deploy --db` restarts
// the Galera nodes one at a time (each refuses queries, stops cleanly,
// rejoins by IST and is Synced before the next goes): the web nodes fail
// over between SQL endpoints and the browser sees no error at all.
import { test, expect } from "./fixtures";
import { quantityOf, type Product } from "./pages/shop-page";
import { asRecord, checkOut, orderQuantities, shopOnce, totalOf, type Added } from "./support/shopping-rounds";
import { clusterMode } from "./support/target";

test.skip(clusterMode !== "local", "deploy --db drives the local cluster's Galera nodes (cluster/index.ts deployDb)");

test("a shopper navigating, adding, signing in and checking out during a rolling restart of every database node sees no error and keeps an exact cart", async ({
  shop,
  catalog,
  cluster,
  browserFailures,
}) => {
  test.setTimeout(240_000);
  const pairs: [Product, Product][] = [
    [catalog[1]!, catalog[2]!],
    [catalog[3]!, catalog[4]!],
  ];
  const added: Added = new Map();
  let done = false;
  const restart = cluster.deployDb().finally(() => {
    done = true;
  });
  restart.catch(() => undefined);

  let rounds = 0;
  let order: { id: number; quantities: Record<string, number> } | null = null;
  while (!done || rounds < 3 || !order) {
    await shopOnce(shop, pairs[rounds % pairs.length]!, added);
    rounds++;
    if (rounds === 1) {
      await shop.signIn();
      await shop.expectCartCount(totalOf(added));
    } else if (rounds === 3) {
      const quantities = asRecord(added);
      order = { id: await checkOut(shop), quantities };
      added.clear();
    }
  }
  const result = await restart;
  expect(result.nodes.map((node) => node.name)).toEqual(cluster.dbNodes());
  test.info().annotations.push({
    type: "deploy --db",
    description: `${result.nodes.map((n) => `${n.name} ${(n.totalMs / 1000).toFixed(1)} s`).join(", ")}; ${rounds} rounds, ${browserFailures.requests} browser requests`,
  });

  expect(await orderQuantities(shop, order!.id)).toEqual(order!.quantities);
  const cart = await shop.cart();
  expect(cart.totalQuantity).toBe(totalOf(added));
  for (const [id, quantity] of added) expect(quantityOf(cart, { id })).toBe(quantity);
  await shop.goto("/cart");
  await shop.expectSignedIn();

  expect(browserFailures.list, "responses >= 500 and failed requests the browser saw").toEqual([]);
});
