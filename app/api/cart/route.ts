import { connection } from "next/server";
import { toApiCart } from "@/lib/cart/api";
import { cartView } from "@/lib/cart/service";
import { json, route } from "@/lib/http";
import { ensureSessionCookie } from "@/lib/session";

/** The cart as JSON. A client without a session gets its id as a cookie (no row is written until a change). */
export const GET = route(async () => {
  await connection();
  const { data } = await ensureSessionCookie();
  return json(toApiCart(await cartView(data)));
});
