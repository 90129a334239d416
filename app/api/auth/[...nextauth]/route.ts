// next-auth's standard endpoints, with php_session kept authoritative and two
// guards next-auth does not have:
// - sign-in (POST callback/credentials) is throttled per account and per
//   client address (lib/auth/sign-in-throttle.ts): 429 with Retry-After;
// - sign-out rotates php_session only after next-auth's CSRF token is verified
//   (lib/auth/csrf.ts), so a forged POST cannot end anyone's session.
// Bodies next-auth would choke on (malformed JSON, other types) are a 400/415.
import NextAuth from "next-auth";
import { type NextRequest } from "next/server";
import { CSRF_COOKIE_NAMES, isValidCsrfToken } from "@/lib/auth/csrf";
import { authOptions } from "@/lib/auth/options";
import { signOutSession } from "@/lib/auth/session-binding";
import { beginSignInAttempt, signInAttemptSucceeded, throttleScopes } from "@/lib/auth/sign-in-throttle";
import { env } from "@/lib/env";
import { AppError, ERROR_STATUS } from "@/lib/errors";
import { assertSameOrigin, json, route } from "@/lib/http";
import { forwardedClientAddress } from "@/lib/http-forwarded";
import { log } from "@/lib/log";

type Context = { params: Promise<{ nextauth: string[] }> };

const MAX_FORM_BYTES = 8 * 1024;

/** The form next-auth will read, parsed from a clone: urlencoded or JSON only. */
async function readAuthForm(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const text = await request.clone().text();
  if (text.length > MAX_FORM_BYTES) throw new AppError("payload_too_large", "The request body is too large.");
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  if (type.includes("application/json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // falls through to the 400 below
    }
    throw new AppError("invalid", "The request body is not valid JSON.");
  }
  throw new AppError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
}

function csrfCookie(request: NextRequest): string | undefined {
  for (const name of CSRF_COOKIE_NAMES) {
    const value = request.cookies.get(name)?.value;
    if (value) return value;
  }
  return undefined;
}

/** next-auth sets its session cookie only when the credentials were accepted. */
function signedIn(response: Response): boolean {
  return response.headers.getSetCookie().some((cookie) => /^(__Secure-)?next-auth\.session-token=[^;]+/.test(cookie));
}

export const GET = route(async (request: NextRequest, context: Context) => {
  return NextAuth(authOptions())(request, context);
});

export const POST = route(async (request: NextRequest, context: Context) => {
  const { nextauth } = await context.params;
  const [action, provider] = nextauth;
  const form = await readAuthForm(request);

  if (action === "signout") {
    assertSameOrigin(request);
    // Without a valid token next-auth refuses the sign-out; php_session stays as it is.
    if (isValidCsrfToken(csrfCookie(request), form.csrfToken, env().NEXTAUTH_SECRET)) await signOutSession();
    return NextAuth(authOptions())(request, context);
  }

  if (action === "callback" && provider === "credentials") {
    assertSameOrigin(request);
    // Without a valid CSRF token next-auth refuses before any password is checked: nothing to count.
    if (!isValidCsrfToken(csrfCookie(request), form.csrfToken, env().NEXTAUTH_SECRET)) return NextAuth(authOptions())(request, context);
    const email = typeof form.email === "string" ? form.email.slice(0, 191) : "";
    const verdict = await beginSignInAttempt(throttleScopes(email, forwardedClientAddress(request.headers)));
    if (!verdict.allowed) {
      log().warn({ event: "sign_in_throttled", scope: verdict.scope, retryAfterSeconds: verdict.retryAfterSeconds }, "sign-in throttled");
      // `url` is what next-auth's client signIn() reads its error from.
      const url = new URL("/sign-in?error=TooManyRequests", env().NEXTAUTH_URL ?? request.nextUrl.origin).toString();
      return json(
        { error: { code: "too_many_requests", message: "Too many sign-in attempts. Please wait a few minutes and try again." }, url },
        { status: ERROR_STATUS.too_many_requests, headers: { "retry-after": String(verdict.retryAfterSeconds) } },
      );
    }
    const response = await NextAuth(authOptions())(request, context);
    if (signedIn(response)) await signInAttemptSucceeded(verdict.scopes);
    return response;
  }

  return NextAuth(authOptions())(request, context);
});
