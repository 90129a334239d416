// The Content-Security-Policy of every page, built per request around a fresh
// nonce (proxy.ts). Next.js reads the nonce from the request's CSP header and
// puts it on its own inline and chunk scripts; 'strict-dynamic' lets those
// load the rest. No 'unsafe-inline' for scripts. Styles keep 'unsafe-inline':
// React and Next set style attributes that a nonce cannot cover.
// SECURITY_HEADERS do not depend on the request: next.config.ts sends them
// with every response of Next, the fast lane (lib/api/fast-lane.ts) with its own.

export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // frame-ancestors 'none' in the CSP, and this for browsers without CSP level 2.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
] as const;

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function contentSecurityPolicy(nonce: string, { https, dev }: { https: boolean; dev: boolean }): string {
  const directives = [
    "default-src 'self'",
    // 'unsafe-eval' only for `next dev` (React's dev tooling); never in a build.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Sent only over HTTPS (as the trusted proxy reports it): HSTS over plain HTTP is ignored or, worse, sticks to a test host. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";
