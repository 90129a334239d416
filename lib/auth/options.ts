// next-auth (v4) configured for the cluster. The Credentials provider only
// works with JWT sessions, and a JWT alone cannot be revoked on other nodes,
// so php_session is made authoritative:
// - authorize() verifies the password, then rotates the php_session id and
//   binds the user to the row (the anonymous cart comes along);
// - the jwt callback, run on every /api/auth/session, checks that the
//   request's php_session still belongs to the token's user, and otherwise
//   ends next-auth's session too (its cookie is cleared, the body is `{}`);
// - sign-out (app/api/auth/[...nextauth]/route.ts) rotates php_session once
//   next-auth's CSRF token is verified; sign-in there is throttled.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { getSession } from "@/lib/session";
import { DUMMY_HASH, verifyPassword } from "./password";
import { signInSession } from "./session-binding";
import { getUserWithPasswordByEmail } from "./users";

export const credentialsSignInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(191),
  password: z.string().min(1).max(200),
});

/** Thrown from the jwt callback when php_session no longer backs the token. */
class SessionEndedError extends Error {
  constructor() {
    super("php_session no longer signed in");
  }
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: env().SESSION_ABSOLUTE_TIMEOUT_SECONDS },
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const parsed = credentialsSignInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const user = await getUserWithPasswordByEmail(parsed.data.email);
          const valid = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !valid) {
            log().info({ event: "sign_in_failed" }, "sign-in failed");
            return null;
          }
          await signInSession(user.id);
          log().info({ event: "sign_in", userId: user.id }, "signed in");
          return { id: String(user.id), email: user.email, name: user.name, role: user.role };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.role = (user as { role?: string }).role ?? "customer";
          return token;
        }
        const { userId } = await getSession();
        if (userId === null || String(userId) !== token.sub) throw new SessionEndedError();
        return token;
      },
      async session({ session, token }) {
        return {
          ...session,
          user: { id: token.sub, name: token.name, email: token.email, role: token.role as string | undefined },
        };
      },
    },
    logger: {
      error(code, metadata) {
        const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (code === "JWT_SESSION_ERROR" && cause instanceof SessionEndedError) return;
        log().error({ code, err: cause }, "next-auth error");
      },
      warn(code) {
        log().warn({ code }, "next-auth warning");
      },
      debug() {},
    },
  };
}
