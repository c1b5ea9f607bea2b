#!/usr/bin/env bash
# Build compose-check (main.go next to this file: a Compose file judged by compose-go, the
# library behind `docker compose`) with the local Go, and cache the binary.
#
#   tools/deploy/compose-check/build.sh                   # progress goes to stderr
#   CHECK="$(tools/deploy/compose-check/build.sh)"        # stdout: only the binary path
#
# Environment:
#   TWINLOG_CACHE_DIR  cache root (default: $HOME/.cache/twinlog)
#   GOCACHE, GOMODCACHE, GOPROXY  as go uses them (the modules come from the Go module proxy)
#
# Layout: $TWINLOG_CACHE_DIR/compose-check/<compose-go version>/{compose-check,source.sha256}
# The binary is rebuilt when missing or when go.mod, go.sum or main.go changed since its build.
# The last line on stdout is always the absolute path of a working compose-check.
# Everything lives in functions so that editing this file during a run is safe.
set -euo pipefail

MODULE="github.com/compose-spec/compose-go/v2"

say() { printf '[compose-check] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../../infra/build-once.sh"
# What the binary was built from: a change to the tool must not be hidden by the cache.
source_hash() { (cd "$SRC" && cat go.mod go.sum main.go) | sha256sum | cut -d' ' -f1; }
binary_ok() {
  [[ -x "$BIN" && -f "$BASE/source.sha256" && "$(cat "$BASE/source.sha256")" == "$HASH" ]] &&
    "$BIN" --help >/dev/null 2>&1
}

setup_paths() {
  SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
  # The exact version go.mod pins (the require line), so each version has its own binary.
  VERSION="$(awk -v m="$MODULE" '$1 == m { print $2; exit }
    $1 == "require" && $2 == m { print $3; exit }' "$SRC/go.mod")"
  [[ -n "$VERSION" ]] || die "$SRC/go.mod does not require $MODULE"
  HASH="$(source_hash)"
  local root="${TWINLOG_CACHE_DIR:-${HOME:?HOME is not set}/.cache/twinlog}"
  mkdir -p "$root/compose-check/$VERSION"
  BASE="$(cd "$root/compose-check/$VERSION" && pwd -P)"
  BIN="$BASE/compose-check"
}

check_go() {
  local d=/usr/local/go/bin
  [[ -d "$d" && ":$PATH:" != *":$d:"* ]] && PATH="$PATH:$d"
  export PATH
  local need have
  need="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$SRC/go.mod" | head -n 1)"
  command -v go >/dev/null ||
    die "go not found on PATH or in $d: install Go >= $need (https://go.dev/dl/, into /usr/local/go)"
  GO_BIN="$(command -v go)"
  have="$("$GO_BIN" env GOVERSION)"
  have="${have#go}"
  have="${have%%[!0-9.]*}" # go1.26rc1 -> 1.26
  if [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n 1)" != "$need" ]]; then
    die "$GO_BIN is go$have; go.mod ($SRC) needs go >= $need: install a newer Go (https://go.dev/dl/)"
  fi
  # The local Go only: no toolchain download behind our back.
  export GOTOOLCHAIN=local
  # go.mod and go.sum are the committed truth; a build must never rewrite them.
  export GOFLAGS=-mod=readonly
  # A static binary: no C toolchain needed.
  export CGO_ENABLED=0
  export GO111MODULE=on
}

build() {
  local tmp="$BASE/compose-check.tmp.$$"
  rm -f "$BASE"/compose-check.tmp.*
  # -buildvcs=false: the module sits in the project's git tree; its state is not the tool's.
  (cd "$SRC" && "$GO_BIN" build -trimpath -buildvcs=false -ldflags '-s -w' -o "$tmp" .) ||
    die "go build failed (above); the modules come from the Go module proxy: $("$GO_BIN" env GOPROXY)"
  "$tmp" --help >/dev/null 2>&1 || die "the built binary does not run: $tmp"
  mv -f "$tmp" "$BIN"
  printf '%s\n' "$HASH" >"$BASE/source.sha256.tmp"
  mv -f "$BASE/source.sha256.tmp" "$BASE/source.sha256"
}

main() {
  setup_paths
  # One build per version at a time; a concurrent caller waits, then takes the fast path.
  build_once "compose-check" && return 0

  local start
  start=$(date +%s)
  say "building compose-check with $MODULE $VERSION into $BASE"
  check_go
  say "$("$GO_BIN" version); a cold build (modules fetched, compiled) takes ~15-30 s on 2 cores"
  build
  binary_ok || die "the installed binary does not run: $BIN"
  say "done in $(($(date +%s) - start))s"
  printf '%s\n' "$BIN"
}

main "$@"; exit $? # one line: bash has read it all before running it
