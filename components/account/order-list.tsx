import { formatDateTime, formatPrice, pluralize } from "@/components/ui/format";

export type OrderSummary = {
  id: number;
  createdAt: Date;
  totalCents: number;
  totalQuantity: number;
  lines: { productId: number; name: string; quantity: number; unitPriceCents: number }[];
};

export function OrderList({ orders, highlightId }: { orders: OrderSummary[]; highlightId: number | null }) {
  if (orders.length === 0) {
    return (
      <p className="card px-6 py-10 text-center text-sm text-bean-700">
        No orders yet. When you check out, your orders appear here.
      </p>
    );
  }
  return (
    <ol role="list" aria-label="Orders" className="space-y-5">
      {orders.map((order) => (
        <li key={order.id}>
          <article
            aria-labelledby={`order-${order.id}`}
            className={`card overflow-hidden ${order.id === highlightId ? "ring-2 ring-leaf-700" : ""}`}
          >
            <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-bean-200 bg-bean-50 px-5 py-3">
              <h3 id={`order-${order.id}`} className="font-semibold text-bean-900">
                Order #{order.id}
              </h3>
              <p className="text-sm text-bean-700">
                <time dateTime={new Date(order.createdAt).toISOString()}>{formatDateTime(new Date(order.createdAt))}</time>
                {" · "}
                {pluralize(order.totalQuantity, "item")}
              </p>
            </header>
            <table className="w-full text-sm">
              <caption className="sr-only">Items in order #{order.id}</caption>
              <thead className="text-left text-xs text-bean-700 uppercase">
                <tr>
                  <th scope="col" className="px-5 pt-3 pb-1 font-semibold">
                    Product
                  </th>
                  <th scope="col" className="px-2 pt-3 pb-1 text-right font-semibold">
                    Qty
                  </th>
                  <th scope="col" className="px-2 pt-3 pb-1 text-right font-semibold">
                    Price
                  </th>
                  <th scope="col" className="px-5 pt-3 pb-1 text-right font-semibold">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {order.lines.map((line) => (
                  <tr key={line.productId} className="border-t border-bean-100 first:border-t-0">
                    <th scope="row" className="px-5 py-2 text-left font-medium text-bean-900">
                      {line.name}
                    </th>
                    <td className="px-2 py-2 text-right tabular-nums">{line.quantity}</td>
                    <td className="px-2 py-2 text-right tabular-nums">
                      {formatPrice(line.unitPriceCents)}
                    </td>
                    <td className="px-5 py-2 text-right tabular-nums">{formatPrice(line.quantity * line.unitPriceCents)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="border-t border-bean-200">
                  <th scope="row" colSpan={3} className="px-5 py-3 text-left font-semibold text-bean-900">
                    Order total
                  </th>
                  <td className="px-5 py-3 text-right font-semibold tabular-nums text-bean-900">
                    {formatPrice(order.totalCents)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </article>
        </li>
      ))}
    </ol>
  );
}
