import type { NextConfig } from "next";

// Headers for every response (pages, API, assets). The CSP and HSTS depend on
// the request (a nonce; HTTPS as the proxy reports it), so proxy.ts sets them.
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // frame-ancestors 'none' in the CSP, and this for browsers without CSP level 2.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

const nextConfig: NextConfig = {
  // Every web node runs the same self-contained build (cluster/ and Dockerfile).
  output: "standalone",
  poweredByHeader: false,
  // The mariadb driver and pino are Node libraries; keep them out of the bundle.
  serverExternalPackages: ["mariadb", "pino", "prom-client"],
  images: { unoptimized: true },
  // `next dev` opened at 127.0.0.1 (as the README does) may load its client scripts.
  allowedDevOrigins: ["127.0.0.1"],
  // Rolling deploys (cluster/release.ts sets SHOP_DEPLOYMENT_ID per build): the
  // build id and Next's version-skew protection. A page of an old build whose
  // navigation reaches a node on the new build reloads instead of failing.
  deploymentId: process.env.SHOP_DEPLOYMENT_ID || undefined,
  generateBuildId: async () => process.env.SHOP_DEPLOYMENT_ID || null,
  // forbidden() renders app/forbidden.tsx with a 403 (the admin page).
  experimental: { authInterrupts: true },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
