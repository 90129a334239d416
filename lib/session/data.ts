// The shop's session data: what the php_session envelope's `data` holds,
// validated by the session store on the way in and out. Today that is the
// cart (lib/cart/model.ts); anything else a session must carry goes here.
//
// Two forms of one rule set:
// - `sessionDataZodSchema` is the definition, in zod like every other schema
//   of the shop, and gives the type;
// - `sessionDataSchema`, what the store runs, checks the same rules by hand.
//   The store runs it twice per change (on the read and before the write) and
//   once per load, on every cart request of every node; zod's generic parse of
//   16 lines allocated about 20 KB per add and was the largest allocator of
//   the request (docs/benchmarks.md §16). It returns a fresh object with only
//   the known keys, as zod's parse does.
// tests/unit/session-data.test.ts holds both to the same answer on valid,
// invalid and random inputs.
import { z } from "zod";
import { cartSchema, CART_MAX_LINES, CART_MAX_QUANTITY, type CartLine } from "@/lib/cart/model";

export const sessionDataZodSchema = z.object({ cart: cartSchema });

export type SessionData = z.infer<typeof sessionDataZodSchema>;

type Parsed = { success: true; data: SessionData } | { success: false; error: Error };

const INVALID: Parsed = { success: false, error: new Error("session data does not match the cart's schema") };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lineOf(value: unknown): CartLine | null {
  if (!isPlainObject(value)) return null;
  const { productId, quantity } = value;
  if (typeof productId !== "number" || !Number.isSafeInteger(productId) || productId <= 0) return null;
  if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity < 1 || quantity > CART_MAX_QUANTITY) return null;
  return { productId, quantity };
}

export const sessionDataSchema = {
  safeParse(value: unknown): Parsed {
    if (!isPlainObject(value) || !isPlainObject(value.cart)) return INVALID;
    const lines = value.cart.lines;
    if (!Array.isArray(lines) || lines.length > CART_MAX_LINES) return INVALID;
    const checked: CartLine[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lineOf(lines[i]);
      if (line === null) return INVALID;
      checked.push(line);
    }
    return { success: true, data: { cart: { lines: checked } } };
  },
};

export function emptySessionData(): SessionData {
  return { cart: { lines: [] } };
}
