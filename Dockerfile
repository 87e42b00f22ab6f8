# order-ledger: the compiled service. Build: docker build -t order-ledger .
# Run:  docker run --init -p 3000:3000 -v ledger-data:/data order-ledger
# (see docs/operations.md for DATABASE_URL, several instances and the CLI).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LEDGER_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# Exec form: node is the container's main process and receives SIGTERM from
# `docker stop` itself (no shell in between), then stops HTTP, workers, the
# log and the embedded PostgreSQL in order. --init reaps what else may exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
