// The Content-Security-Policy of every page, built per request around a fresh
// nonce (proxy.ts). Next.js reads the nonce from the request's CSP header and
// puts it on its own inline and chunk scripts; 'strict-dynamic' lets those
// load the rest. No 'unsafe-inline' for scripts. Styles keep 'unsafe-inline':
// React and Next set style attributes that a nonce cannot cover.
// Headers that do not depend on the request are in next.config.ts.

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
