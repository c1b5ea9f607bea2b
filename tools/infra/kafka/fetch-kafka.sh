#!/usr/bin/env bash
# Fetch the jars of a real Apache Kafka broker (KRaft) from Maven Central into a local cache.
#
#   tools/infra/kafka/fetch-kafka.sh            # -> prints the libs dir as the LAST stdout line
#   KAFKA_VERSION=3.9.1 tools/infra/kafka/fetch-kafka.sh
#
# Result: ${TWINLOG_CACHE_DIR:-$HOME/.cache/twinlog}/kafka/<version>/libs/*.jar (~57 jars, ~46 MB),
# run with: java -cp '<libs>/*' kafka.Kafka <server.properties>. See docs/infra/kafka.md.
#
# - Idempotent: if the libs dir exists it is complete (it only appears by an atomic rename
#   of a finished temp dir), and the script exits at once. The cache is keyed by the Kafka
#   version only: after editing pom.xml without a version change, delete <version>/libs.
# - Concurrency-safe: runs for the same version are serialised with flock.
# - Progress and errors go to STDERR; STDOUT carries only the libs dir path.
# - Needs Java 17+ and Maven (installs Maven with apt-get when missing and running as root).
set -euo pipefail

# Pinned version; keep equal to <kafka.version> in pom.xml. Only 3.x works with this pom's
# logging backend (Kafka 4.x moved to slf4j 2 + log4j2).
DEFAULT_KAFKA_VERSION="3.9.2"
KAFKA_VERSION="${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}"

# Same version as the pluginManagement pin in pom.xml; full coordinates so that a failure to
# reach Maven Central reads as such (a bare `dependency:` prefix fails with "No plugin found").
DEPENDENCY_PLUGIN_VERSION="3.8.1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"
CACHE_ROOT="${TWINLOG_CACHE_DIR:-$HOME/.cache/twinlog}"
[[ "$CACHE_ROOT" == /* ]] || CACHE_ROOT="$PWD/$CACHE_ROOT" # always print an absolute path
VERSION_DIR="$CACHE_ROOT/kafka/$KAFKA_VERSION"
LIBS_DIR="$VERSION_DIR/libs"

say() { printf '[fetch-kafka] %s\n' "$*" >&2; }
die() {
  printf '[fetch-kafka] ERROR: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '[fetch-kafka]   %s\n' "$line" >&2; done
  exit 1
}

# Fast path: already cached.
if [[ -d "$LIBS_DIR" ]]; then
  say "Kafka $KAFKA_VERSION already cached."
  printf '%s\n' "$LIBS_DIR"
  exit 0
fi

case "$KAFKA_VERSION" in
  3.*) ;;
  *) die "KAFKA_VERSION=$KAFKA_VERSION is not supported by $POM." \
         "Only Kafka 3.x works with its logging backend (slf4j-reload4j). Kafka 4.x needs" \
         "slf4j 2 + log4j2 (org.apache.logging.log4j:log4j-slf4j2-impl) and a log4j2 config." ;;
esac

[[ -f "$POM" ]] || die "missing $POM (run this script from a checkout of the repo)."

if ! command -v java >/dev/null 2>&1; then
  die "java not found on PATH." \
      "Install a Java 17+ runtime, e.g.: apt-get update && apt-get install -y openjdk-17-jre-headless"
fi

if ! command -v mvn >/dev/null 2>&1; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    say "mvn not found: installing Maven with apt-get (apt-get update && apt-get install -y maven)..."
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -q >&2 && apt-get install -y -q maven >&2; }; then
      die "apt-get could not install Maven." \
          "Install it by hand (apt-get install -y maven) and re-run."
    fi
  else
    die "mvn not found on PATH." \
        "Install Maven, e.g.: sudo apt-get update && sudo apt-get install -y maven"
  fi
fi

mkdir -p "$VERSION_DIR" || die "cannot create $VERSION_DIR (set TWINLOG_CACHE_DIR to a writable dir)."

# Serialise concurrent runs for the same version; the lock file stays (harmless).
exec 9>"$VERSION_DIR/.lock"
if ! flock -n 9; then
  say "another fetch of Kafka $KAFKA_VERSION is running; waiting for it (up to 15 min)..."
  flock -w 900 9 || die "timed out waiting for the lock $VERSION_DIR/.lock."
fi

# Someone else finished while we waited.
if [[ -d "$LIBS_DIR" ]]; then
  say "Kafka $KAFKA_VERSION already cached."
  printf '%s\n' "$LIBS_DIR"
  exit 0
fi

# Leftovers of an interrupted run (we hold the lock, so no one else is writing them).
rm -rf "$VERSION_DIR"/libs.tmp.* 2>/dev/null || true

TMP_DIR="$VERSION_DIR/libs.tmp.$$"
MVN_LOG="$VERSION_DIR/mvn.log"
cleanup() { rm -rf "$TMP_DIR"; }
trap cleanup EXIT

say "Downloading Kafka $KAFKA_VERSION (org.apache.kafka:kafka_2.13 + slf4j-reload4j) from Maven Central..."
say "  pom:   $POM"
say "  into:  $LIBS_DIR"
say "  (Maven's own repository ~/.m2 is reused; a cold download is ~70 MB incl. Maven plugins)"
start=$(date +%s)
if ! mvn -q -B -Dstyle.color=never -f "$POM" \
      "-Dkafka.version=$KAFKA_VERSION" \
      "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
      -DincludeScope=runtime \
      "-DoutputDirectory=$TMP_DIR" >"$MVN_LOG" 2>&1; then
  # (Maven 3.8 prints stray ANSI resets even with -B; strip them.)
  { tail -n 25 "$MVN_LOG"; echo; } |
    sed -e $'s/\e\\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' -e 's/^/[fetch-kafka] mvn| /' >&2
  hint=()
  if grep -qiE 'Could not transfer|No plugin found|Unknown host|Connect(ion)? (timed out|refused)|Network is unreachable|UnknownHostException|Non-resolvable' "$MVN_LOG"; then
    hint=("Maven Central looks unreachable from here. Check the network / proxy"
          "(~/.m2/settings.xml <proxies>/<mirrors>, or MAVEN_OPTS=-Dhttps.proxyHost=...), then re-run."
          "Test: curl -sI https://repo.maven.apache.org/maven2/ (expects HTTP 200).")
  elif grep -qiE 'Could not find artifact|was not found in' "$MVN_LOG"; then
    hint=("An artifact was not found: is KAFKA_VERSION=$KAFKA_VERSION a released 3.x version?")
  else
    hint=("Re-run to retry (nothing half-done is kept).")
  fi
  die "Maven failed to fetch Kafka $KAFKA_VERSION (full log: $MVN_LOG)." "${hint[@]}"
fi

# Sanity checks before publishing the dir.
for jar in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar" "slf4j-reload4j-1.7.36.jar"; do
  [[ -f "$TMP_DIR/$jar" ]] || die "download incomplete: $jar missing from $TMP_DIR (see $MVN_LOG)." \
                                  "Re-run to retry."
done
count=$(find "$TMP_DIR" -maxdepth 1 -name '*.jar' | wc -l)

mv -T "$TMP_DIR" "$LIBS_DIR" || die "could not rename $TMP_DIR to $LIBS_DIR."
trap - EXIT
say "Done: $count jars in $(( $(date +%s) - start ))s."
printf '%s\n' "$LIBS_DIR"
