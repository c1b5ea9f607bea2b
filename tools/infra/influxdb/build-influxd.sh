#!/usr/bin/env bash
# Build a real InfluxDB 2.x server binary (influxd) from source, without Docker,
# using only package registries (Go module proxy, crates.io, Debian apt).
#
#   tools/infra/influxdb/build-influxd.sh              # progress goes to stderr
#   INFLUXD="$(tools/infra/influxdb/build-influxd.sh)" # stdout: only the binary path
#
# Environment:
#   INFLUXDB_VERSION   influxdb module version to build (default below), e.g. v2.9.1
#   TWINLOG_CACHE_DIR  cache root (default: $HOME/.cache/twinlog)
#   INFLUXD_KEEP_WORK  1 = keep the multi-GB work dir after a successful build
#   GOTOOLCHAIN        passed through to go; only needed if the local go is older than
#                      the module's go.mod asks for (the approved value: go1.27.3)
#
# Layout: $TWINLOG_CACHE_DIR/influxdb/<version>/{influxd,build.log,work/}
# The last line on stdout is always the absolute path of a working influxd.
# Everything lives in functions so that editing this file during a run is safe.
# See docs/infra/influxdb.md.
set -euo pipefail

DEFAULT_VERSION="v2.9.1"
MODULE="github.com/influxdata/influxdb/v2"
BUILD_TAGS="sqlite_foreign_keys,sqlite_json" # upstream COMMON_TAGS; no 'assets' => no UI

say() { printf '[build-influxd] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../build-once.sh"
log() { "$@" >>"$LOG" 2>&1; } # run a command, its output going to the build log
# Value of the first "Key": "value" line of `go ... -json` output on stdin.
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1; }
binary_ok() { [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; }

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
    say "rerun to resume; the work dir is kept: $WORK"
  fi
}

# Atomically make a writable copy of a (read-only) module dir; reuse it if complete.
copy_tree() { # src dst stamp
  local src=$1 dst=$2 stamp=$3
  if [[ -f "$dst/.twinlog-copied" && "$(cat "$dst/.twinlog-copied")" == "$stamp" ]]; then
    return 0
  fi
  rm -rf "$dst" "$dst.tmp"
  mkdir -p "$(dirname "$dst")"
  cp -R "$src" "$dst.tmp"
  chmod -R u+w "$dst.tmp"
  printf '%s' "$stamp" >"$dst.tmp/.twinlog-copied"
  mv "$dst.tmp" "$dst"
}

setup_paths() {
  VERSION="${INFLUXDB_VERSION:-$DEFAULT_VERSION}"
  VERSION="v${VERSION#v}"
  local root="${TWINLOG_CACHE_DIR:-${HOME:?HOME is not set}/.cache/twinlog}"
  mkdir -p "$root/influxdb/$VERSION"
  BASE="$(cd "$root/influxdb/$VERSION" && pwd -P)"
  BIN="$BASE/influxd"
  WORK="$BASE/work"
  LOG="$BASE/build.log"
}

check_prereqs() {
  local d
  for d in /usr/local/go/bin "$HOME/go/bin" "$HOME/.cargo/bin"; do
    [[ -d "$d" && ":$PATH:" != *":$d:"* ]] && PATH="$PATH:$d"
  done
  export PATH

  # C toolchain for cgo (sqlite, libflux) and the system pkg-config that
  # influxdata's pkg-config wrapper delegates to.
  local -a pkgs=() sudo=()
  works() { "$1" --version >/dev/null 2>&1; }
  works gcc || pkgs+=(gcc)
  works pkg-config || pkgs+=(pkg-config)
  if ! printf '#include <stdlib.h>\n' | gcc -E -x c - >/dev/null 2>&1; then pkgs+=(libc6-dev); fi
  if ((${#pkgs[@]})); then
    say "installing missing apt packages: ${pkgs[*]}"
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${pkgs[*]}"
      sudo=(sudo -n)
    fi
    log "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    log "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}"
    if ! works gcc || ! works pkg-config; then
      die "apt-get did not provide gcc and pkg-config"
    fi
  fi

  command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
  command -v cargo >/dev/null || die "cargo not found (expected \$HOME/.cargo/bin/cargo from rustup)"
  GO_BIN="$(command -v go)"
  export GO="$GO_BIN"    # influxdata's pkg-config wrapper runs $GO (default: go)
  export CGO_ENABLED=1   # libflux and sqlite are linked through cgo
  export GO111MODULE=on
  # libflux pins Rust 1.83 in rust-toolchain.toml; RUSTUP_TOOLCHAIN takes precedence
  # over that file, so the installed stable toolchain is used instead.
  if command -v rustup >/dev/null; then export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-stable}"; fi
  # The pkg-config wrapper expects cargo's default target dir layout.
  unset CARGO_TARGET_DIR CARGO_BUILD_TARGET
  log "$GO_BIN" version
  log cargo --version
  log rustc --version
  log pkg-config --version
  log gcc --version

  mkdir -p "$WORK/tools"
  # Temp files of go, cargo, cc and the pkg-config wrapper: a killed build leaves
  # its leftovers here, not in /tmp; removed on every (re)start and after success.
  rm -rf "$WORK/tmp"
  mkdir -p "$WORK/tmp"
  export TMPDIR="$WORK/tmp"
  # Go's build cache, and with it the libflux copy and its cargo target dir, stays
  # in the work dir so that a rerun after a failure resumes where it stopped.
  export GOCACHE="$WORK/gocache"

  # Flux's crates say #![deny(warnings)] (feature "strict"): lints added by a newer
  # rustc would become errors. Cap lints at warn on every crate rustc builds, build
  # scripts included (RUSTFLAGS would miss those when cargo gets --target).
  local wrapper="$WORK/tools/rustc-cap-lints"
  cat >"$wrapper.tmp" <<'EOF'
#!/bin/sh
# RUSTC_WRAPPER: cargo runs "$0 <rustc> <args...>". Cap lints at warn for crate builds.
rustc="$1"; shift
case " $* " in
  *" --crate-name "*) case " $* " in *" --cap-lints"*) ;; *) exec "$rustc" "$@" --cap-lints=warn ;; esac ;;
esac
exec "$rustc" "$@"
EOF
  chmod +x "$wrapper.tmp"
  mv -f "$wrapper.tmp" "$wrapper"
  export RUSTC_WRAPPER="$wrapper"
}

fetch_sources() {
  local modjson need_go have_go
  local rc=0
  modjson="$(cd "$WORK" && "$GO_BIN" mod download -json "$MODULE@$VERSION" 2>>"$LOG")" || rc=$?
  printf '%s\n' "$modjson" >>"$LOG" # on failure its "Error" field says why
  [[ $rc -eq 0 ]] || die "go mod download $MODULE@$VERSION failed (unknown version?); see $LOG"
  MODDIR="$(printf '%s\n' "$modjson" | json_field Dir)"
  MODSUM="$(printf '%s\n' "$modjson" | json_field Sum)"
  COMMIT="$(printf '%s\n' "$modjson" | json_field Hash)"
  [[ -n "$MODDIR" && -f "$MODDIR/go.mod" ]] || die "could not locate the downloaded module; see $LOG"

  need_go="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$MODDIR/go.mod" | head -n 1)"
  have_go="$("$GO_BIN" env GOVERSION)"
  have_go="${have_go#go}"
  if [[ -n "$need_go" && "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n 1)" != "$need_go" ]]; then
    case "${GOTOOLCHAIN:-}" in
      "" | local) die "go.mod needs go >= $need_go but go is $have_go; rerun with GOTOOLCHAIN=go1.27.3" ;;
    esac
  fi
}

build_pkg_config_wrapper() {
  # Downloads exactly the modules influxd needs (not test-only ones).
  "$GO_BIN" list -deps -tags "$BUILD_TAGS" ./cmd/influxd >/dev/null 2>>"$LOG"
  # Upstream's scripts/pkg-config.sh builds this tool on every call; build it once.
  log "$GO_BIN" build -buildvcs=false -o "$WORK/tools/pkg-config" github.com/influxdata/pkg-config
  export PKG_CONFIG="$WORK/tools/pkg-config"
}

build_libflux() {
  # When cgo asks for `pkg-config flux`, influxdata's wrapper copies the read-only flux
  # module to $GOCACHE/pkgconfig/<path>@<version> (reusing any existing copy without
  # checking it), runs `cargo build --release --target <triple>` in its libflux/ and
  # writes a flux.pc. We make that copy ourselves, atomically, and run the same cargo
  # command with visible output; the wrapper's own cargo run is then a no-op.
  local fluxjson flux_ver flux_dir triple copy
  fluxjson="$("$GO_BIN" list -m -json github.com/influxdata/flux 2>>"$LOG")"
  flux_ver="$(printf '%s\n' "$fluxjson" | json_field Version)"
  flux_dir="$(printf '%s\n' "$fluxjson" | json_field Dir)"
  case "$("$GO_BIN" env GOOS)/$("$GO_BIN" env GOARCH)" in
    linux/amd64) triple=x86_64-unknown-linux-gnu ;;
    linux/arm64) triple=aarch64-unknown-linux-gnu ;;
    *) triple="" ;;
  esac
  if [[ -n "$flux_ver" && -n "$triple" ]] && ! grep -q '"Replace"' <<<"$fluxjson"; then
    if [[ -z "$flux_dir" || ! -d "$flux_dir" ]]; then
      flux_dir="$("$GO_BIN" mod download -json "github.com/influxdata/flux@$flux_ver" | json_field Dir)"
    fi
    copy="$GOCACHE/pkgconfig/github.com/influxdata/flux@$flux_ver"
    copy_tree "$flux_dir" "$copy" "$flux_ver"
    step "5/7 building libflux (flux $flux_ver, Rust) with cargo, $(rustc --version | cut -d' ' -f1-2)"
    (cd "$copy/libflux" && log cargo build --release --target "$triple")
  else
    step "5/7 building libflux through the pkg-config wrapper (output only on failure)"
  fi
  # Exactly what cgo will run: cargo (no-op by now) and the flags of the generated flux.pc.
  log "$PKG_CONFIG" --cflags --libs -- flux
}

build_influxd() {
  local ldflags
  ldflags="-s -w -X main.version=$VERSION -X main.commit=${COMMIT:0:10} -X main.date=$(date -u +%FT%TZ)"
  rm -f "$WORK/influxd.tmp"
  log "$GO_BIN" build -buildvcs=false -tags "$BUILD_TAGS" -ldflags "$ldflags" -o "$WORK/influxd.tmp" ./cmd/influxd
}

main() {
  setup_paths
  # One build per version at a time; a concurrent caller waits, then takes the fast path.
  build_once "influxd $VERSION" && return 0

  START=$(date +%s)
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
  : >"$LOG"
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  say "building influxd $VERSION from source; a cold build takes ~10-15 min on 2 cores"
  say "cache: $BASE  log: $LOG"

  step "1/7 checking prerequisites (gcc, libc6-dev, pkg-config, go, cargo)"
  check_prereqs
  step "2/7 downloading $MODULE@$VERSION from the Go module proxy"
  fetch_sources
  step "3/7 copying the module to a writable work dir"
  copy_tree "$MODDIR" "$WORK/src" "$MODSUM"
  cd "$WORK/src"
  step "4/7 downloading Go dependencies; building influxdata's pkg-config wrapper"
  build_pkg_config_wrapper
  build_libflux
  step "6/7 compiling influxd (go build -tags $BUILD_TAGS)"
  build_influxd
  step "7/7 checking and installing the binary"
  log "$WORK/influxd.tmp" version
  mv -f "$WORK/influxd.tmp" "$BIN"
  binary_ok || die "the installed binary does not run: $BIN"
  if [[ "${INFLUXD_KEEP_WORK:-0}" != 1 ]]; then
    cd "$BASE"
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  STEP=""
  say "done in $(($(date +%s) - START))s: $("$BIN" version)"
  printf '%s\n' "$BIN"
}

main "$@"; exit $? # one line: bash has read it all before running it
