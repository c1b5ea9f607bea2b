#!/usr/bin/env bash
# End-to-end check of an influxd binary: start it on a free loopback port with a
# throw-away data dir, wait for /health, onboard through POST /api/v2/setup, write
# line protocol, read it back with Flux, list the ports it listens on, stop it (SIGINT).
#
#   tools/infra/influxdb/smoke-test.sh [path/to/influxd]   # default: build-influxd.sh's output
#
# Needs curl and python3 (free port, JSON). Prints timings; exits non-zero on failure.
set -euo pipefail

main() {
  local here bin dir port pid url t0 t_healthy ms token out
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  bin="${1:-$("$here/build-influxd.sh" | tail -n 1)}"
  [[ -x "$bin" ]] || { echo "not executable: $bin" >&2; exit 1; }
  echo "binary:  $bin ($("$bin" version))"

  dir="$(mktemp -d "${TMPDIR:-/tmp}/influxd-smoke.XXXXXX")"
  port="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  url="http://127.0.0.1:$port"
  token="smoke-test-token-$(date +%s)"
  echo "datadir: $dir  url: $url"

  # cwd = data dir: influxd reads ./config.{json,toml,yaml,yml} from its working dir.
  t0=$(date +%s%N)
  (cd "$dir" && exec "$bin" \
    --bolt-path "$dir/influxd.bolt" \
    --sqlite-path "$dir/influxd.sqlite" \
    --engine-path "$dir/engine" \
    --http-bind-address "127.0.0.1:$port" \
    --reporting-disabled \
    --ui-disabled \
    --log-level warn \
    >"$dir/influxd.log" 2>&1) &
  pid=$!
  # shellcheck disable=SC2064
  trap "kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf '$dir'" EXIT

  for _ in $(seq 1 600); do # up to 30 s
    if curl -fsS "$url/health" >"$dir/health.json" 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/influxd.log" >&2; echo "influxd exited" >&2; exit 1; }
    sleep 0.05
  done
  t_healthy=$(date +%s%N)
  ms=$(((t_healthy - t0) / 1000000))
  grep -q '"status": *"pass"' "$dir/health.json" || { cat "$dir/health.json" >&2; exit 1; }
  echo "healthy: ${ms} ms after spawn: $(tr -d '\n' <"$dir/health.json" | tr -s ' ')"

  echo "listening sockets of pid $pid:"
  ss -Hltnup 2>/dev/null | grep "pid=$pid," | awk '{print "  " $1, $5}' || true

  out="$(curl -sS -w '\n%{http_code}' -X POST "$url/api/v2/setup" -H 'Content-Type: application/json' \
    -d "{\"username\":\"twinlog\",\"password\":\"twinlog-password\",\"org\":\"twinlog\",\"bucket\":\"smoke\",\"token\":\"$token\"}")"
  [[ "${out##*$'\n'}" == 201 ]] || { echo "setup failed: $out" >&2; exit 1; }
  echo "setup:   201 (org twinlog, bucket smoke, token given by us)"

  out="$(curl -sS -w '%{http_code}' -X POST "$url/api/v2/write?org=twinlog&bucket=smoke&precision=ms" \
    -H "Authorization: Token $token" -H 'Content-Type: text/plain; charset=utf-8' \
    --data-binary "temp,device=d1 value=21.5 $(($(date +%s) * 1000 - 2000))
temp,device=d1 value=22.25 $(($(date +%s) * 1000 - 1000))")"
  [[ "$out" == 204 ]] || { echo "write failed: $out" >&2; exit 1; }
  echo "write:   204"

  out="$(curl -sS -X POST "$url/api/v2/query?org=twinlog" -H "Authorization: Token $token" \
    -H 'Content-Type: application/vnd.flux' -H 'Accept: application/csv' \
    --data-binary 'from(bucket: "smoke") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "temp") |> sum()')"
  echo "query:   $(printf '%s' "$out" | tr -d '\r' | grep -v '^$' | tail -n 1)"
  grep -Eq ',43\.75(,|\r|$)' <<<"$out" || { echo "unexpected query result: $out" >&2; exit 1; }

  # SIGINT, not SIGTERM: influxd only traps os.Interrupt; SIGTERM kills it outright (exit 143).
  t0=$(date +%s%N)
  kill -INT "$pid"
  local rc=0
  wait "$pid" || rc=$?
  echo "stopped: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms after SIGINT"
  [[ $rc -eq 0 ]] || { tail -n 20 "$dir/influxd.log" >&2; exit 1; }
  echo "PASS"
}

main "$@"
