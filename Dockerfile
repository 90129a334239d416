# syntax=docker/dockerfile:1
# The shop's web node image (target `runner`) and its one-shot migrator (target
# `migrate`), both used by docker-compose.cluster.yml. Stages:
#   deps    npm ci from the lock file (postinstall runs prisma/generate.mjs: offline, no engines)
#   build   next build -> .next/standalone (+ static assets, see package.json "build")
#   runner  node serve.mjs (server.js with a bounded SIGTERM drain) as the unprivileged `node` user, port 3000
#   migrate full node_modules + sources: npm run db:migrate && npm run db:seed
# NEXT_SERVER_ACTIONS_ENCRYPTION_KEY must be the same at build and at runtime:
# Next.js writes it into the build output, so treat the built image as secret
# (never push it to a public registry).

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

FROM base AS deps
# Only what `npm ci` and its postinstall (prisma generate) read, so source edits
# do not invalidate the dependency layer.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# The lock is complete (every platform's optional binaries), so npm ci installs it exactly.
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ARG NEXT_SERVER_ACTIONS_ENCRYPTION_KEY
# Build id and Next's deploymentId (version-skew protection); empty: Next picks a random build id.
ARG SHOP_DEPLOYMENT_ID=
# A build without the key would silently get a random one that no runtime shares.
RUN test -n "$NEXT_SERVER_ACTIONS_ENCRYPTION_KEY" \
      || { echo "build arg NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is required (node compose/generate-env.mjs)" >&2; exit 1; } \
 && DATABASE_URL=mariadb://unused:unused@127.0.0.1:3306/unused SHOP_DEPLOYMENT_ID="$SHOP_DEPLOYMENT_ID" npm run build

FROM base AS runner
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=3000
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/cluster/serve.mjs ./serve.mjs
USER node
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop): stop accepting, finish in-flight requests, exit; bounded by SHOP_DRAIN_TIMEOUT_MS.
STOPSIGNAL SIGTERM
CMD ["node", "serve.mjs"]

FROM deps AS migrate
COPY . .
USER node
# Both steps are idempotent, so re-running the service is safe.
CMD ["sh", "-c", "npm run db:migrate && npm run db:seed"]
