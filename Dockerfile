# syntax=docker/dockerfile:1

# Build stage: production dependencies only. better-sqlite3 compiles here when no prebuilt
# binary matches, so the toolchain stays out of the final image.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Final stage: Node 24, the app, its production node_modules, run as the unprivileged "node" user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY config ./config
COPY seeds ./seeds
# The sources bundled once here, as `npm start` does on its first run, so every start of the
# container loads plain JavaScript; the "node" user only reads the bundle.
RUN node --input-type=module -e "const { bundledMain } = await import('./scripts/start.mjs'); if (!(await bundledMain())) process.exit(1);" \
 && mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node runs as PID 1 directly (no npm wrapper) so SIGTERM reaches the app's graceful shutdown.
CMD ["node", "scripts/start.mjs"]
