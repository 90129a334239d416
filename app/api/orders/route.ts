import { connection } from "next/server";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureResponse, json, route } from "@/lib/http";
import { checkoutKeyField } from "@/lib/cart/schemas";
import { checkout, listOrdersForCurrentUser } from "@/lib/orders/service";
import { getCurrentUser } from "@/lib/auth/current-user";

/** The signed-in user's orders, newest first. */
export const GET = route(async () => {
  await connection();
  if (!(await getCurrentUser())) throw new AppError("unauthenticated", "Please sign in.");
  return json(await listOrdersForCurrentUser());
});

/**
 * Check out: the cart becomes an order. `Idempotency-Key` is required; a retry
 * with the same key returns the same order (200) instead of a second one (201).
 */
export const POST = route(async (request: Request) => {
  assertSameOrigin(request);
  const key = request.headers.get("idempotency-key");
  if (!key || !checkoutKeyField.safeParse(key).success) {
    throw new AppError("invalid", "Send an Idempotency-Key header of 8-64 letters, digits, '_' or '-'.");
  }
  const result = await checkout(key);
  if (!result.ok) return failureResponse(result);
  return json({ orderId: result.orderId }, { status: result.duplicate ? 200 : 201 });
});
