# syntax=docker/dockerfile:1
# One image for every Twinlog process; the command picks which (docs/deploy.md):
#   node -r ./tools/dev/register.cjs apps/<service>/src/main.ts     ingestion, twin-state, anomaly,
#                                                             simulation, maintenance
#   node -r ./tools/dev/register.cjs apps/gateway/src/main.ts        the one-port gateway
#   (no command)                                              all of Twinlog in one process,
#                                                             embedded mode: docker run -p 8080:8080
# Build: docker build -t twinlog:local .

# The engines field of package.json pins Node 26.
ARG NODE_IMAGE=node:26-slim

# --- dependencies: npm ci from the lockfile, then drop the dev tooling the services do not run with
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
# The workspace's own CLI is a file: dependency; npm links it, so its manifest must be there.
COPY apps/cli/package.json apps/cli/package.json
COPY apps/cli/bin apps/cli/bin
# No install scripts: nothing the services load needs one (@swc/core's native binary comes as
# an optional dependency of its own).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY tools/deploy/runtime-packages.ts tools/deploy/prune-node-modules.ts tools/deploy/
COPY tools/dev/register.cjs tools/dev/
RUN node -r ./tools/dev/register.cjs tools/deploy/prune-node-modules.ts

# --- runtime: the workspace source, run as TypeScript (tools/dev/register.cjs), as a non-root user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# kafkajs 2.2.4 schedules a negative timeout on Node >= 24 (clamped to 1 ms, harmless) and warns
# about its default partitioner, in every process that talks to Kafka.
ENV NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning KAFKAJS_NO_PARTITIONER_WARNING=1
# Each service's cache of the log (its stream index) lives here: mount a volume on it.
ENV TWINLOG_DATA_DIR=/var/lib/twinlog
# Read by the all-in-one process (the default command) alone, which binds loopback otherwise.
# It answers to localhost and 127.0.0.1 (docker run -p 127.0.0.1:8080:8080); reached by another
# name, pass it: -e TWINLOG_ALLOWED_HOSTS=twinlog.plant.example (docs/running.md).
ENV TWINLOG_HTTP_HOST=0.0.0.0
WORKDIR /app
RUN mkdir -p /var/lib/twinlog && chown node:node /var/lib/twinlog
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The dashboard the gateway serves at / (docs/dashboard.md), built into the image: at run time
# the files are read-only and the stamp matches, so no process builds it again.
RUN node -r ./tools/dev/register.cjs apps/dashboard/build.ts
# Every process's TypeScript compiled once, here: at run time no process loads the compiler
# (about 80 MB of memory each; docs/running.md).
RUN node -r ./tools/dev/register.cjs tools/dev/warm-ts-cache.ts
# node:*-slim's own user `node`, never root; numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 8081 8082 8083 8084 8085 8086
STOPSIGNAL SIGTERM
CMD ["node", "-r", "./tools/dev/register.cjs", "apps/all-in-one/src/main.ts"]
