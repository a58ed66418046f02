# syntax=docker/dockerfile:1
# The portal as a container: `node server.js` from Next's standalone output, as a non-root user.
# Stages: deps (npm ci) → build (scripts/build-standalone.mjs, the same script CI runs) → run.
# compose.yaml also uses the build stage for one-off commands (migrations, the CLI, the simulator).
# Step by step: docs/deploy.md.

ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# next build (type check included), then public/, .next/static and db/migrations copied into
# .next/standalone, and a check that the run-time packages (postgres, argon2, PGlite) are there.
RUN node scripts/build-standalone.mjs

FROM ${NODE_IMAGE} AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NEXT_MANUAL_SIG_HANDLE=1 \
    PORTAL_DATA_DIR=/data
# The image's `node` user (uid 1000) runs the portal; /data holds what it writes without Postgres
# (the embedded database, generated secrets).
RUN mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 3000
VOLUME ["/data"]
# 200 only while the database answers and its migrations are current (app/api/health/route.ts).
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# NEXT_MANUAL_SIG_HANDLE above: on `docker stop` (SIGTERM) the portal finishes its sync page,
# closes the database and exits by itself (lib/shutdown.ts), within compose.yaml's 30 s grace.
CMD ["node", "server.js"]
