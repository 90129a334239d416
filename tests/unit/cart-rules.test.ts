import { describe, expect, it } from "vitest";
import { addToCart, clearCart, removeLine, setQuantity } from "@/lib/cart/rules";
import { CART_MAX_LINES } from "@/lib/cart/model";
import { emptySessionData, type SessionData } from "@/lib/session/data";

const withLines = (...lines: [number, number][]): SessionData => ({
  ...emptySessionData(),
  cart: { lines: lines.map(([productId, quantity]) => ({ productId, quantity })) },
});

describe("cart rules", () => {
  it("adds a new line, then adds to it", () => {
    const once = addToCart(emptySessionData(), 7, 2);
    expect(once.ok && once.data.cart.lines).toEqual([{ productId: 7, quantity: 2 }]);
    const twice = once.ok ? addToCart(once.data, 7, 3) : once;
    expect(twice.ok && twice.data.cart.lines).toEqual([{ productId: 7, quantity: 5 }]);
  });

  it("refuses more than 99 of one product and leaves the cart alone", () => {
    const data = withLines([1, 98]);
    expect(addToCart(data, 1, 2)).toMatchObject({ ok: false, code: "limit" });
    expect(data.cart.lines).toEqual([{ productId: 1, quantity: 98 }]);
  });

  it("refuses a line beyond the line limit", () => {
    const full = withLines(...Array.from({ length: CART_MAX_LINES }, (_, i) => [i + 1, 1] as [number, number]));
    expect(addToCart(full, 10_000, 1)).toMatchObject({ ok: false, code: "limit" });
    expect(addToCart(full, 1, 1).ok).toBe(true);
  });

  it("returns the same object when nothing changes, so nothing is written", () => {
    const data = withLines([1, 2]);
    expect(removeLine(data, 99)).toBe(data);
    const same = setQuantity(data, 1, 2);
    expect(same.ok && same.data).toBe(data);
    const empty = emptySessionData();
    expect(clearCart(empty)).toBe(empty);
  });

  it("quantity 0 removes the line", () => {
    const result = setQuantity(withLines([1, 2], [2, 1]), 1, 0);
    expect(result.ok && result.data.cart.lines).toEqual([{ productId: 2, quantity: 1 }]);
  });
});
