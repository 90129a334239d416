// Who is signed in, as php_session says. next-auth's JWT cookie is only a
// carrier: the row's user_id is the authority, so ending the row (sign-out on
// any node, sign-out-everywhere, expiry) signs the visitor out on every node.
import "server-only";
import { cache } from "react";
import { getSession } from "@/lib/session";
import { getUserById, type ShopUser } from "./users";

export const getCurrentUser = cache(async (): Promise<ShopUser | null> => {
  const { userId } = await getSession();
  return userId === null ? null : getUserById(userId);
});
