import { AppError } from "@/lib/errors";
import { endSessionsOfUser } from "@/lib/admin/sessions";
import { assertSameOrigin, json, route } from "@/lib/http";

type Context = { params: Promise<{ userId: string }> };

/** Sign a user out everywhere (admins only): every php_session row of theirs ends. */
export const DELETE = route(async (request: Request, context: Context) => {
  assertSameOrigin(request);
  const raw = (await context.params).userId;
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw new AppError("invalid", "The user id in the URL is not valid.");
  return json({ ended: await endSessionsOfUser(Number(raw)) });
});
