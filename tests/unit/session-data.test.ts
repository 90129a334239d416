// The session store's hand-written check of the shop's session data
// (lib/session/data.ts sessionDataSchema) must answer as its zod definition
// (sessionDataZodSchema) does: the same inputs accepted, the same data back
// (unknown keys dropped, a fresh object), the same inputs refused.
import { describe, expect, it } from "vitest";
import { CART_MAX_LINES, CART_MAX_QUANTITY } from "@/lib/cart/model";
import { sessionDataSchema, sessionDataZodSchema } from "@/lib/session/data";

function sameAnswer(input: unknown): boolean {
  const hand = sessionDataSchema.safeParse(input);
  const zod = sessionDataZodSchema.safeParse(input);
  expect(hand.success, JSON.stringify(input)).toBe(zod.success);
  if (hand.success && zod.success) expect(hand.data).toStrictEqual(zod.data);
  return hand.success;
}

const line = (productId: unknown, quantity: unknown) => ({ productId, quantity });
const cart = (...lines: unknown[]) => ({ cart: { lines } });

describe("session data check", () => {
  it("accepts what zod accepts and returns the same data", () => {
    const valid = [
      cart(),
      cart(line(1, 1)),
      cart(line(7, CART_MAX_QUANTITY), line(Number.MAX_SAFE_INTEGER, 1)),
      cart(...Array.from({ length: CART_MAX_LINES }, (_, i) => line(i + 1, 2))),
      // unknown keys anywhere are dropped, as zod's objects drop them
      { cart: { lines: [{ productId: 3, quantity: 4, note: "x" }], coupon: "SAVE" }, theme: "dark" },
    ];
    for (const input of valid) expect(sameAnswer(input)).toBe(true);
  });

  it("refuses what zod refuses", () => {
    const invalid: unknown[] = [
      undefined, null, 0, "cart", [], { lines: [] }, { cart: null }, { cart: [] }, { cart: { lines: {} } }, { cart: {} },
      cart(...Array.from({ length: CART_MAX_LINES + 1 }, (_, i) => line(i + 1, 1))),
      cart(null), cart([1, 2]), cart("line"), cart({ productId: 1 }), cart({ quantity: 1 }),
      cart(line(0, 1)), cart(line(-3, 1)), cart(line(1.5, 1)), cart(line("1", 1)), cart(line(Number.NaN, 1)),
      cart(line(Number.POSITIVE_INFINITY, 1)), cart(line(Number.MAX_SAFE_INTEGER + 1, 1)), cart(line(-0, 1)),
      cart(line(1, 0)), cart(line(1, CART_MAX_QUANTITY + 1)), cart(line(1, 2.5)), cart(line(1, "2")), cart(line(1, null)),
      cart(line(1, 1), line(2, -1)),
    ];
    for (const input of invalid) expect(sameAnswer(input)).toBe(false);
  });

  it("agrees with zod on 5,000 random carts", () => {
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
    const numbers = [0, 1, 2, 50, 98, 99, 100, 101, -1, 0.5, 1e21, Number.MAX_SAFE_INTEGER, Number.NaN];
    const field = () => (random() < 0.85 ? Math.floor(random() * 120) : pick<unknown>([...numbers, "3", null, true, [], {}]));
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const count = random() < 0.05 ? CART_MAX_LINES + Math.floor(random() * 2) : Math.floor(random() * 6);
      const lines = Array.from({ length: count }, () => (random() < 0.97 ? line(field(), field()) : pick<unknown>([null, 1, "x", []])));
      const input = random() < 0.95 ? cart(...lines) : pick<unknown>([{ cart: { lines: lines[0] ?? {} } }, { cart: lines }, lines]);
      if (sameAnswer(input)) accepted++;
    }
    // Both outcomes are exercised, or the comparison proves little.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(4800);
  });

  it("returns a fresh object, not the input", () => {
    const input = cart(line(1, 1));
    const parsed = sessionDataSchema.safeParse(input);
    expect(parsed.success && parsed.data).not.toBe(input);
    expect(parsed.success && parsed.data.cart.lines[0]).not.toBe(input.cart.lines[0]);
  });
});
