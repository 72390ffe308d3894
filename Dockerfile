# vaxverify: one image for the API, the workers and the CLI (the command picks the role).
# Production builds on the official Node LTS image (Node 26, the active LTS line in November 2026;
# the code itself runs on Node >= 20.19). Where no image registry is reachable, scripts/images.sh
# passes a local one (Debian bookworm + Node from the npm registry): --build-arg NODE_IMAGE=…
# No `# syntax=` line: BuildKit would fetch that frontend from a registry; the built-in one does.
ARG NODE_IMAGE=node:26-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY queues ./queues
COPY workers ./workers
RUN npm run build

# The runtime's node_modules: the build stage's, less the dev dependencies (one download, not two).
FROM build AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY data ./data
# The dashboard's static pages (served from the source tree; Chart.js comes from node_modules).
COPY src/http/dashboard-public ./src/http/dashboard-public
COPY deploy/images/healthcheck.mjs ./healthcheck.mjs
# Shared upload folder (a named volume in docker-compose takes this owner on first use).
RUN mkdir -p /uploads && chown node:node /uploads
# The official image ships an unprivileged `node` user (uid 1000); the local node image too.
USER node
EXPOSE 3000
# The API: /readyz on INTERNAL_PORT (Redis and the store answer); a worker: its /metrics on
# WORKER_METRICS_PORT; the CLI: running. See deploy/images/healthcheck.mjs.
# A 10 s timeout: starting node for the check took over 5 s on a 2-core machine at load 30.
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s --retries=3 CMD ["node", "healthcheck.mjs"]
# tini-like signal handling is not needed: node is PID 1 and handles SIGTERM itself
# (ordered shutdown in src/lib/shutdown.ts).
CMD ["node", "dist/src/http/main.js"]
