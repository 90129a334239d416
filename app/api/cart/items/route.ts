import { postCartItemApi } from "@/lib/api/cart";
import { fromFetchRequest, reply, route } from "@/lib/http";
import { nextSession } from "@/lib/session";

// The handler is shared with the fast lane (lib/api/fast-lane.ts), which answers these requests first unless SHOP_FAST_LANE=0.
export const POST = route(async (request: Request) => reply(await postCartItemApi(fromFetchRequest(request), nextSession)));
