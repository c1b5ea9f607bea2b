#!/usr/bin/env bash
# Runs a command with the project's Node (.nvmrc) first on PATH and the npm dependencies
# installed and current, so `npm test` / `npm start` work on a machine that starts with an
# older Node and no node_modules.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
nodebin="$(bash "$root/tools/dev/ensure-node.sh" | tail -n 1)"
export PATH="$nodebin:$root/node_modules/.bin:$PATH"
export NX_DAEMON="${NX_DAEMON:-false}" NX_NO_CLOUD=true NX_TUI=false KAFKAJS_NO_PARTITIONER_WARNING=1
# kafkajs 2.2.4 schedules a negative timeout in its request queue on Node >= 24; Node clamps it
# to 1 ms (harmless) but warns in every process that talks to Kafka.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"

# npm ci when node_modules is missing or older than the lockfile.
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  echo "with-node: installing npm dependencies (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
cd "$root"
exec "$@"
