import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/security-headers";

const nextConfig: NextConfig = {
  // Every web node runs the same self-contained build (cluster/ and Dockerfile).
  output: "standalone",
  poweredByHeader: false,
  // nginx compresses (nginx/shop.conf.template): cheaper there than in the node that renders.
  compress: false,
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
  // Headers for every response (lib/security-headers.ts); the CSP and HSTS depend on the request, so proxy.ts sets them.
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default nextConfig;
