# The bot's image: compiled JavaScript on Node 24 (the active LTS), production dependencies only,
# run as the unprivileged `node` user. `npm ci` installs exactly the lockfile, as .ci/run does.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json deploy-commands.ts ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
# Owned by root and read-only to the `node` user the process runs as.
COPY package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# No curl in the image: docker-compose.yml's healthcheck fetches /readyz (OPS_PORT) with node.
CMD ["node", "dist/src/index.js"]
