#!/usr/bin/env bash
# Build Telegraf (the "TIG" peer of bench:pipeline) with `go install` from the Go module proxy,
# without Docker, and cache the binary.
#
#   tools/infra/telegraf/build-telegraf.sh               # progress goes to stderr
#   TELEGRAF="$(tools/infra/telegraf/build-telegraf.sh)"  # stdout: only the binary path
#
# Environment:
#   TELEGRAF_VERSION     telegraf module version (default below), e.g. v1.37.2
#   TELEGRAF_BUILD_TAGS  Go build tags (default below: the plugins the peer uses); "full" = every
#                        plugin, as upstream ships it (~5x the build, same code for these plugins)
#   TWINLOG_CACHE_DIR    cache root (default: $HOME/.cache/twinlog)
#   GOTOOLCHAIN          passed through to go; only needed if the local go is older than
#                        the module's go.mod asks for (the approved value: go1.27.3)
#
# Layout: $TWINLOG_CACHE_DIR/telegraf/<version>/{telegraf,build-tags,build.log,work/}
# The last line on stdout is always the absolute path of a working telegraf.
# Everything lives in functions so that editing this file during a run is safe.
# See docs/infra/telegraf.md.
set -euo pipefail

DEFAULT_VERSION="v1.37.2"
MODULE="github.com/influxdata/telegraf"
# Telegraf's own "custom build" tags: `custom` switches the all-plugins imports off, each
# plugins.<kind>.<name> tag switches one back on. The peer needs exactly these.
DEFAULT_TAGS="custom,inputs.mqtt_consumer,outputs.influxdb_v2,parsers.json_v2,parsers.json,parsers.influx"

say() { printf '[build-telegraf] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../build-once.sh"
log() { "$@" >>"$LOG" 2>&1; } # run a command, its output going to the build log
# Value of the first "Key": "value" line of `go ... -json` output on stdin.
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1; }
# A cached binary counts only if it runs and was built with the tags asked for now.
binary_ok() {
  [[ -x "$BIN" && -f "$BASE/build-tags" && "$(cat "$BASE/build-tags")" == "$TAGS" ]] &&
    "$BIN" version >/dev/null 2>&1
}

step() {
  STEP="$*"
  say "[$(($(date +%s) - START))s] $STEP"
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$STEP" >>"$LOG"
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && -n "${STEP:-}" ]]; then
    say "FAILED (exit $rc) during: $STEP"
    say "full log: $LOG"
    say "----- last 40 lines of the log -----"
    tail -n 40 "$LOG" >&2 || true
    say "------------------------------------"
    say "rerun to resume; the work dir (go build cache) is kept: $WORK"
  fi
}

setup_paths() {
  VERSION="${TELEGRAF_VERSION:-$DEFAULT_VERSION}"
  VERSION="v${VERSION#v}"
  TAGS="${TELEGRAF_BUILD_TAGS:-$DEFAULT_TAGS}"
  [[ "$TAGS" == full ]] && TAGS=""
  local root="${TWINLOG_CACHE_DIR:-${HOME:?HOME is not set}/.cache/twinlog}"
  mkdir -p "$root/telegraf/$VERSION"
  BASE="$(cd "$root/telegraf/$VERSION" && pwd -P)"
  BIN="$BASE/telegraf"
  WORK="$BASE/work"
  LOG="$BASE/build.log"
}

check_prereqs() {
  local d
  for d in /usr/local/go/bin "$HOME/go/bin"; do
    [[ -d "$d" && ":$PATH:" != *":$d:"* ]] && PATH="$PATH:$d"
  done
  export PATH
  command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
  GO_BIN="$(command -v go)"
  # Upstream's release builds are static Go (CGO_ENABLED=0): no C toolchain needed.
  export CGO_ENABLED=0
  export GO111MODULE=on
  # `go install pkg@version` ignores any go.work and GOFLAGS=-mod=...; keep the environment's
  # GOFLAGS out of it so that nothing else leaks into the build.
  unset GOFLAGS
  log "$GO_BIN" version
  mkdir -p "$WORK"
  # A killed build leaves its temp files here, not in /tmp; removed on every (re)start.
  rm -rf "$WORK/tmp"
  mkdir -p "$WORK/tmp"
  export TMPDIR="$WORK/tmp"
  # The build cache stays in the work dir, so that a rerun after a failure resumes.
  export GOCACHE="$WORK/gocache"
}

fetch_sources() {
  local modjson need_go have_go moddir
  local rc=0
  modjson="$(cd "$WORK" && "$GO_BIN" mod download -json "$MODULE@$VERSION" 2>>"$LOG")" || rc=$?
  printf '%s\n' "$modjson" >>"$LOG" # on failure its "Error" field says why
  [[ $rc -eq 0 ]] || die "go mod download $MODULE@$VERSION failed (unknown version?); see $LOG"
  moddir="$(printf '%s\n' "$modjson" | json_field Dir)"
  [[ -n "$moddir" && -f "$moddir/go.mod" ]] || die "could not locate the downloaded module; see $LOG"
  # `go install pkg@version` refuses a module with replace directives; say so plainly.
  if grep -q '^replace' "$moddir/go.mod"; then
    die "$MODULE@$VERSION has replace directives in go.mod: go install cannot build it"
  fi

  need_go="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$moddir/go.mod" | head -n 1)"
  have_go="$("$GO_BIN" env GOVERSION)"
  have_go="${have_go#go}"
  if [[ -n "$need_go" && "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n 1)" != "$need_go" ]]; then
    case "${GOTOOLCHAIN:-}" in
      "" | local) die "go.mod needs go >= $need_go but go is $have_go; rerun with GOTOOLCHAIN=go1.27.3" ;;
    esac
  fi
}

build_telegraf() {
  # The release's ldflags (Makefile: -w -s and internal.Version), so `telegraf version` is right.
  local ldflags="-s -w -X $MODULE/internal.Version=${VERSION#v}"
  rm -rf "$WORK/bin"
  (cd "$WORK" && log env GOBIN="$WORK/bin" "$GO_BIN" install -trimpath -tags "$TAGS" \
    -ldflags "$ldflags" "$MODULE/cmd/telegraf@$VERSION")
  [[ -x "$WORK/bin/telegraf" ]] || die "go install succeeded but left no binary in $WORK/bin"
}

check_plugins() { # the peer's config needs these; a tag typo would only show at its start
  local plugins p
  plugins="$("$WORK/bin/telegraf" plugins 2>>"$LOG")"
  for p in inputs.mqtt_consumer outputs.influxdb_v2 parsers.json_v2; do
    grep -qx "$p" <<<"$plugins" || die "the built telegraf lacks $p (tags: ${TAGS:-none})"
  done
}

main() {
  setup_paths
  # One build per version at a time; a concurrent caller waits, then takes the fast path.
  build_once "telegraf $VERSION" && return 0

  START=$(date +%s)
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
  : >"$LOG"
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  say "building telegraf $VERSION (tags: ${TAGS:-none, every plugin}) with go install"
  say "a cold build takes minutes on 2 cores; cache: $BASE  log: $LOG"

  step "1/4 checking prerequisites (go)"
  check_prereqs
  step "2/4 downloading $MODULE@$VERSION from the Go module proxy"
  fetch_sources
  step "3/4 go install (downloads the needed modules, then compiles)"
  build_telegraf
  step "4/4 checking and installing the binary"
  log "$WORK/bin/telegraf" version
  check_plugins
  printf '%s' "$TAGS" >"$BASE/build-tags.tmp"
  mv -f "$WORK/bin/telegraf" "$BIN"
  mv -f "$BASE/build-tags.tmp" "$BASE/build-tags"
  binary_ok || die "the installed binary does not run: $BIN"
  cd "$BASE"
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
  STEP=""
  say "done in $(($(date +%s) - START))s: $("$BIN" version)"
  printf '%s\n' "$BIN"
}

main "$@"; exit $? # one line: bash has read it all before running it
