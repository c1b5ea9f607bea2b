# Sourced by the scripts that build a tool into the cache (build-influxd.sh, build-telegraf.sh,
# compose-check/build.sh). They define BIN, BASE, binary_ok and say, die first.
#
# build_once WHAT: prints $BIN and returns 0 when it is built already; otherwise takes the build
# lock $BASE/.lock (waiting for another run that is building it, then taking the fast path if
# that run built it) and returns 1: the caller builds, holding the lock until it exits.
build_once() {
  # Fast path: already built (the binary is only ever installed by an atomic rename).
  if binary_ok; then
    printf '%s\n' "$BIN"
    return 0
  fi
  command -v flock >/dev/null || die "flock not found (Debian package util-linux)"
  exec 9>"$BASE/.lock"
  if ! flock -n 9; then
    say "another build of $1 is running; waiting for it (lock: $BASE/.lock)"
    flock 9
  fi
  if binary_ok; then
    printf '%s\n' "$BIN"
    return 0
  fi
  return 1
}
