#!/usr/bin/env bash
# Build a real InfluxDB 2.x server binary (influxd) from source, without Docker,
# using only package registries (Go module proxy, crates.io, Debian apt).
#
#   tools/infra/influxdb/build-influxd.sh            # prints progress on stderr,
#   INFLUXD=$(tools/infra/influxdb/build-influxd.sh) # the binary path on stdout
#
# Environment:
#   INFLUXDB_VERSION   module version to build (default below), e.g. v2.9.1
#   TWINLOG_CACHE_DIR  cache root (default: $HOME/.cache/twinlog)
#   INFLUXD_KEEP_WORK  1 = keep the multi-GB work dir after a successful build
#   GOTOOLCHAIN        passed through to go (only needed if the local go is older
#                      than the module's go.mod asks for; e.g. go1.27.3)
#
# Layout: $TWINLOG_CACHE_DIR/influxdb/<version>/{influxd,build.log,work/}
# The last line on stdout is always the absolute path of a working influxd.
# See docs/infra/influxdb.md.
set -euo pipefail

DEFAULT_VERSION="v2.9.1"
VERSION="${INFLUXDB_VERSION:-$DEFAULT_VERSION}"
VERSION="v${VERSION#v}"
MODULE="github.com/influxdata/influxdb/v2"
BUILD_TAGS="sqlite_foreign_keys,sqlite_json" # upstream COMMON_TAGS; no 'assets' (no UI)

say() { printf '[build-influxd] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

CACHE_ROOT="${TWINLOG_CACHE_DIR:-${HOME:?HOME is not set}/.cache/twinlog}"
mkdir -p "$CACHE_ROOT/influxdb/$VERSION"
BASE="$(cd "$CACHE_ROOT/influxdb/$VERSION" && pwd -P)"
BIN="$BASE/influxd"
WORK="$BASE/work"
LOG="$BASE/build.log"

binary_ok() { [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; }

# Fast path: already built (the binary is only ever installed by an atomic rename).
if binary_ok; then
  printf '%s\n' "$BIN"
  exit 0
fi

# One build per version at a time; a second caller waits, then takes the fast path.
command -v flock >/dev/null || die "flock not found (Debian package util-linux)"
exec 9>"$BASE/.lock"
if ! flock -n 9; then
  say "another build of influxd $VERSION is running; waiting for its lock ($BASE/.lock)"
  flock 9
fi
if binary_ok; then
  printf '%s\n' "$BIN"
  exit 0
fi

START=$(date +%s)
STEP="start"
: >"$LOG"
step() {
  STEP="$*"
  say "[$(( $(date +%s) - START ))s] $STEP"
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$STEP" >>"$LOG"
}
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    say "FAILED (exit $rc) during: $STEP"
    say "full log: $LOG"
    say "----- last 40 lines of the log -----"
    tail -n 40 "$LOG" >&2 || true
    say "------------------------------------"
    say "rerun this script to resume; the work dir is kept: $WORK"
  fi
}
trap on_exit EXIT
log() { "$@" >>"$LOG" 2>&1; } # run a command with its output going to the log

say "building influxd $VERSION from source (cold builds take ~15-40 min on 2 cores)"
say "cache dir: $BASE, log: $LOG"

# ---------------------------------------------------------------- toolchains
step "1/7 checking prerequisites"
for d in /usr/local/go/bin "$HOME/go/bin" "$HOME/.cargo/bin"; do
  [[ -d "$d" && ":$PATH:" != *":$d:"* ]] && PATH="$PATH:$d"
done
export PATH

need_pkgs=()
command -v gcc >/dev/null || need_pkgs+=(gcc)
command -v pkg-config >/dev/null || need_pkgs+=(pkg-config)
if command -v gcc >/dev/null && ! printf '#include <stdlib.h>\n' | gcc -E -x c - >/dev/null 2>&1; then
  need_pkgs+=(libc6-dev)
fi
if ((${#need_pkgs[@]})); then
  say "installing missing apt packages: ${need_pkgs[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${need_pkgs[*]}"
    SUDO=(sudo -n)
  fi
  log "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  log "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${need_pkgs[@]}" libc6-dev
fi

command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
command -v cargo >/dev/null || die "cargo not found (expected \$HOME/.cargo/bin/cargo from rustup)"
GO_BIN="$(command -v go)"
export GO="$GO_BIN"          # influxdata's pkg-config wrapper runs \$GO (default: go)
export CGO_ENABLED=1         # libflux is linked through cgo
export GO111MODULE=on
# libflux pins an old Rust in rust-toolchain.toml that rustup cannot fetch here;
# RUSTUP_TOOLCHAIN wins over that file.
if command -v rustup >/dev/null; then
  export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-stable}"
fi
log "$GO_BIN" version
log cargo --version
log rustc --version
log pkg-config --version
log gcc --version

mkdir -p "$WORK/tools"
# Go build cache (also holds the libflux copy + its cargo target dir) stays in the work dir.
export GOCACHE="$WORK/gocache"

# Flux's crates say #![deny(warnings)] (feature "strict"); newer rustc versions add
# lints, which would turn into errors. Cap lints for every rustc call, build scripts
# included (RUSTFLAGS would miss those under --target).
WRAPPER="$WORK/tools/rustc-cap-lints"
cat >"$WRAPPER.tmp" <<'EOF'
#!/bin/sh
# RUSTC_WRAPPER: cargo runs "$0 <rustc> <args...>". Cap lints at warn for crate builds.
rustc="$1"; shift
case " $* " in
  *" --crate-name "*) case " $* " in *" --cap-lints"*) ;; *) exec "$rustc" "$@" --cap-lints=warn ;; esac ;;
esac
exec "$rustc" "$@"
EOF
chmod +x "$WRAPPER.tmp" && mv -f "$WRAPPER.tmp" "$WRAPPER"
export RUSTC_WRAPPER="$WRAPPER"
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET # the pkg-config wrapper expects cargo's default layout

# ---------------------------------------------------------------- sources
step "2/7 downloading $MODULE@$VERSION (Go module proxy)"
MODJSON="$(cd "$WORK" && "$GO_BIN" mod download -json "$MODULE@$VERSION" 2>>"$LOG")" \
  || die "go mod download $MODULE@$VERSION failed (unknown version? see $LOG)"
printf '%s\n' "$MODJSON" >>"$LOG"
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1; }
MODDIR="$(printf '%s\n' "$MODJSON" | json_field Dir)"
MODSUM="$(printf '%s\n' "$MODJSON" | json_field Sum)"
COMMIT="$(printf '%s\n' "$MODJSON" | json_field Hash)"
[[ -n "$MODDIR" && -f "$MODDIR/go.mod" ]] || die "could not locate the downloaded module (see $LOG)"

need_go="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$MODDIR/go.mod" | head -n 1)"
have_go="$("$GO_BIN" env GOVERSION)"; have_go="${have_go#go}"
if [[ -n "$need_go" ]] && [[ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n 1)" != "$need_go" ]]; then
  case "${GOTOOLCHAIN:-}" in
    ""|local) die "go.mod needs go >= $need_go but go is $have_go; rerun with GOTOOLCHAIN=go1.27.3 (fetched via the module proxy)" ;;
  esac
fi

SRC="$WORK/src"
if [[ ! -f "$SRC/.twinlog-copied" || "$(cat "$SRC/.twinlog-copied")" != "$MODSUM" ]]; then
  step "3/7 copying module sources to a writable dir"
  rm -rf "$SRC" "$SRC.tmp"
  cp -R "$MODDIR" "$SRC.tmp"
  chmod -R u+w "$SRC.tmp"
  printf '%s' "$MODSUM" >"$SRC.tmp/.twinlog-copied"
  mv "$SRC.tmp" "$SRC"
else
  step "3/7 module sources already copied"
fi
cd "$SRC"

step "4/7 downloading Go dependencies and building influxdata's pkg-config wrapper"
log "$GO_BIN" list -deps -tags "$BUILD_TAGS" ./cmd/influxd >/dev/null
# Same as upstream scripts/pkg-config.sh, but built once instead of on every call.
log "$GO_BIN" build -buildvcs=false -o "$WORK/tools/pkg-config" github.com/influxdata/pkg-config
export PKG_CONFIG="$WORK/tools/pkg-config"

# ---------------------------------------------------------------- libflux (Rust)
# The wrapper copies the (read-only) flux module to $GOCACHE/pkgconfig/<path>@<version>
# and runs "cargo build --release --target <triple>" in its libflux/. It reuses an
# existing copy without checking it, so we make that copy ourselves, atomically, and
# run the same cargo command with its output in the log (the wrapper hides it).
FLUXJSON="$("$GO_BIN" list -m -json github.com/influxdata/flux 2>>"$LOG")"
FLUX_VER="$(printf '%s\n' "$FLUXJSON" | json_field Version)"
FLUX_DIR="$(printf '%s\n' "$FLUXJSON" | json_field Dir)"
case "$("$GO_BIN" env GOOS)/$("$GO_BIN" env GOARCH)" in
  linux/amd64) TRIPLE=x86_64-unknown-linux-gnu ;;
  linux/arm64) TRIPLE=aarch64-unknown-linux-gnu ;;
  *) TRIPLE="" ;;
esac
if ! printf '%s\n' "$FLUXJSON" | grep -q '"Replace"' && [[ -n "$FLUX_VER" && -n "$TRIPLE" ]]; then
  [[ -n "$FLUX_DIR" && -d "$FLUX_DIR" ]] || FLUX_DIR="$("$GO_BIN" mod download -json "github.com/influxdata/flux@$FLUX_VER" | json_field Dir)"
  FLUX_COPY="$GOCACHE/pkgconfig/github.com/influxdata/flux@$FLUX_VER"
  if [[ ! -f "$FLUX_COPY/.twinlog-copied" ]]; then
    rm -rf "$FLUX_COPY" "$FLUX_COPY.tmp"
    mkdir -p "$(dirname "$FLUX_COPY")"
    cp -R "$FLUX_DIR" "$FLUX_COPY.tmp"
    chmod -R u+w "$FLUX_COPY.tmp"
    touch "$FLUX_COPY.tmp/.twinlog-copied"
    mv "$FLUX_COPY.tmp" "$FLUX_COPY"
  fi
  step "5/7 building libflux $FLUX_VER with cargo ($(rustc --version)); the slow part"
  (cd "$FLUX_COPY/libflux" && log cargo build --release --target "$TRIPLE")
else
  step "5/7 building libflux via the pkg-config wrapper (unusual flux setup, no separate step)"
fi
# What cgo will do: the wrapper (re)runs cargo (a no-op now) and emits flux.pc flags.
log "$PKG_CONFIG" --cflags --libs -- flux

# ---------------------------------------------------------------- influxd (Go)
step "6/7 compiling influxd with go build (tags: $BUILD_TAGS)"
LDFLAGS="-s -w -X main.version=$VERSION -X main.commit=${COMMIT:0:10} -X main.date=$(date -u +%FT%TZ)"
rm -f "$WORK/influxd.tmp"
log "$GO_BIN" build -buildvcs=false -tags "$BUILD_TAGS" -ldflags "$LDFLAGS" -o "$WORK/influxd.tmp" ./cmd/influxd

step "7/7 checking and installing the binary"
log "$WORK/influxd.tmp" version
mv -f "$WORK/influxd.tmp" "$BIN"
binary_ok || die "installed binary does not run: $BIN"
if [[ "${INFLUXD_KEEP_WORK:-0}" != 1 ]]; then
  cd "$BASE"
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
fi
STEP="done"
say "done in $(( $(date +%s) - START ))s: $("$BIN" version)"
printf '%s\n' "$BIN"
