// The shop's session data: what the php_session envelope's `data` holds,
// validated by the session store on the way in and out. Today that is the
// cart (lib/cart/model.ts); anything else a session must carry goes here.
import { z } from "zod";
import { cartSchema } from "@/lib/cart/model";

export const sessionDataSchema = z.object({ cart: cartSchema });

export type SessionData = z.infer<typeof sessionDataSchema>;

export function emptySessionData(): SessionData {
  return { cart: { lines: [] } };
}
