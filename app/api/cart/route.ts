import { connection } from "next/server";
import { toApiCart } from "@/lib/cart/api";
import { cartView } from "@/lib/cart/service";
import { json, route } from "@/lib/http";
import { ensureSession } from "@/lib/session";

/** The cart as JSON. Starts a session (and sets its cookie) when there is none. */
export const GET = route(async () => {
  await connection();
  const { data } = await ensureSession();
  return json(toApiCart(await cartView(data)));
});

