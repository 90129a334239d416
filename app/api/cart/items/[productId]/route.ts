import { deleteCartItemApi, patchCartItemApi } from "@/lib/api/cart";
import { fromFetchRequest, reply, route } from "@/lib/http";
import { nextSession } from "@/lib/session";

// The handlers are shared with the fast lane (lib/api/fast-lane.ts), which answers these requests first unless SHOP_FAST_LANE=0.
type Context = { params: Promise<{ productId: string }> };

export const PATCH = route(async (request: Request, context: Context) =>
  reply(await patchCartItemApi(fromFetchRequest(request), (await context.params).productId, nextSession)),
);

export const DELETE = route(async (request: Request, context: Context) =>
  reply(await deleteCartItemApi(fromFetchRequest(request), (await context.params).productId, nextSession)),
);
