# Production images, all on the current Node.js LTS, all running as the unprivileged `node` user.
#   web   (default target): Next's standalone server, `node server.js`; nothing else in the image.
#   tools: the job worker, the migrations and the Stripe emulator (TypeScript run by tsx, with the
#          production dependencies only). docker-compose.yml builds both.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# The build has no run-time secrets; the running containers validate their environment in full.
ENV NEXT_TELEMETRY_DISABLED=1 SKIP_ENV_VALIDATION=1 NEXT_OUTPUT=standalone
RUN npm run build

FROM node:24-bookworm-slim AS tools
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY drizzle ./drizzle
COPY lib ./lib
COPY server ./server
COPY scripts ./scripts
USER node
CMD ["node_modules/.bin/tsx", "server/jobs/worker.ts"]

FROM node:24-bookworm-slim AS web
WORKDIR /app
# HOSTNAME: Docker sets it to the container id, and the standalone server listens on it.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=3000
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
USER node
EXPOSE 3000
CMD ["node", "server.js"]
