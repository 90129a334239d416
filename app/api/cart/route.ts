import { connection } from "next/server";
import { getCartApi } from "@/lib/api/cart";
import { reply, route } from "@/lib/http";
import { nextSession } from "@/lib/session";

// The handler is shared with the fast lane (lib/api/fast-lane.ts), which answers these requests first unless SHOP_FAST_LANE=0.
export const GET = route(async () => {
  await connection();
  return reply(await getCartApi(nextSession));
});
