#!/usr/bin/env bash
# Installs the system packages the real test servers need, only those missing:
#   mosquitto (MQTT broker), Java 17+ and Maven (Kafka from Maven Central), pkg-config and curl,
#   and Debian's chromium for the dashboard's browser tests (libs/testing/src/browser).
# Go and Rust (for building influxd) are not taken from apt: Debian's are too old, see
# tools/infra/influxdb/build-influxd.sh, which checks them and says what it needs.
# Debian/Ubuntu with apt-get; elsewhere it says what to install and fails.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have mosquitto || need+=(mosquitto)
have java || need+=(openjdk-17-jre-headless)
have mvn || need+=(maven)
have pkg-config || need+=(pkg-config)
have curl || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then echo "prereqs: all present"; exit 0; fi
echo "prereqs: installing ${need[*]}"
if ! command -v apt-get >/dev/null; then
  echo "prereqs: no apt-get here; install these yourself: ${need[*]}" >&2; exit 1
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "prereqs: installed ${need[*]}"
