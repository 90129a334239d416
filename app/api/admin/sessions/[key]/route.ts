import { AppError } from "@/lib/errors";
import { endSessionByKey } from "@/lib/admin/sessions";
import { assertSameOrigin, json, route } from "@/lib/http";

type Context = { params: Promise<{ key: string }> };

/** End one session by its stored key (admins only). */
export const DELETE = route(async (request: Request, context: Context) => {
  assertSameOrigin(request);
  const key = (await context.params).key;
  if (!/^[0-9a-f]{64}$/.test(key)) throw new AppError("invalid", "That is not a session key.");
  return json({ ended: await endSessionByKey(key) });
});
