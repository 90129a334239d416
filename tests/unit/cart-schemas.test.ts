import { describe, expect, it } from "vitest";
import { cartItemAddFormSchema, cartItemRemoveFormSchema, cartItemUpdateFormSchema } from "@/app/cart/schemas";

describe("cart form schemas take ids and quantities as plain decimal integers", () => {
  it.each(["4", "12", "2147483647"])("accepts product id %j", (productId) => {
    expect(cartItemRemoveFormSchema.safeParse({ productId }).success).toBe(true);
  });

  it.each(["0x4", " 4e0 ", "4e0", " 4", "4 ", "4.0", "+4", "-4", "0", "04", "", "1e3", "Infinity", "NaN", "٤", "9999999999", "2147483648", null, true, [], 4.5, 4])(
    "rejects product id %j",
    (productId) => {
      expect(cartItemRemoveFormSchema.safeParse({ productId }).success).toBe(false);
    },
  );

  it("parses a valid add and defaults the quantity", () => {
    expect(cartItemAddFormSchema.parse({ productId: "4", quantity: "" })).toEqual({ productId: 4, quantity: 1 });
    expect(cartItemAddFormSchema.parse({ productId: "4", quantity: "3" })).toMatchObject({ productId: 4, quantity: 3 });
  });

  it.each(["0x2", "2e0", " 2", "100", "0"])("rejects add quantity %j", (quantity) => {
    expect(cartItemAddFormSchema.safeParse({ productId: "4", quantity }).success).toBe(false);
  });

  it("allows quantity 0 in an update (removes the line) but not hex", () => {
    expect(cartItemUpdateFormSchema.parse({ productId: "4", quantity: "0" })).toEqual({ productId: 4, quantity: 0 });
    expect(cartItemUpdateFormSchema.safeParse({ productId: "4", quantity: "0x0" }).success).toBe(false);
  });
});
