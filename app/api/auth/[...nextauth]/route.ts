// next-auth's standard endpoints, with php_session kept authoritative:
// a sign-out request ends the php_session first (rotating its id), whatever
// state next-auth's own cookie is in, then next-auth clears its cookie.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { signOutSession } from "@/lib/auth/session-binding";
import { assertSameOrigin, route } from "@/lib/http";

type Context = { params: Promise<{ nextauth: string[] }> };

export const GET = route(async (request: Request, context: Context) => {
  return NextAuth(authOptions())(request, context);
});

export const POST = route(async (request: Request, context: Context) => {
  const { nextauth } = await context.params;
  if (nextauth[0] === "signout") {
    assertSameOrigin(request);
    await signOutSession();
  }
  return NextAuth(authOptions())(request, context);
});
