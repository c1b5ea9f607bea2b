import type { ServerName } from '../infra-settings';

/** What the check may ask of the machine (a real one, or a test's stand-in). */
export interface MachineProbe {
  /** The program's path, or undefined when it is not installed. */
  which(program: string): string | undefined;
  /** The first line a program prints for `--version` (or `version`), or undefined. */
  version(program: string): string | undefined;
  /** Free bytes on the file system holding `dir` (or its nearest existing parent). */
  freeBytes(dir: string): number;
  exists(path: string): boolean;
}

/** Where the slow steps cache their results, so a second run needs fewer tools. */
export interface CachedBuilds {
  /** The influxd binary build-influxd.sh installs; present means no Go/Rust build. */
  influxd: string;
  /** The Kafka jars fetch-kafka.sh installs; present means no Maven. */
  kafkaLibs: string;
  /** The cache directory the build writes to (its disk is the one checked). */
  cacheRoot: string;
}

export interface MissingPrerequisite {
  /** What is missing, in a few words ("mosquitto", "Go >= 1.25.10"). */
  what: string;
  /** Why the tests need it. */
  why: string;
  /** The Debian package that provides it, when apt can. */
  apt?: string;
  /** Otherwise the command that installs it. */
  command?: string;
}

// InfluxDB v2.9.1's go.mod says go 1.25.10; libflux builds with stable Rust >= 1.83
// (docs/infra/influxdb.md). Keep in step with DEFAULT_VERSION in build-influxd.sh.
const GO_MIN = '1.25.10';
const RUST_MIN = '1.83.0';
// The cold influxd build peaks at ~1.9 GB of work dir plus 1.3 GB of Go modules.
const BUILD_DISK_BYTES = 3.5 * 1024 ** 3;

/**
 * What this machine lacks to start the given servers locally, found in a second or two, before
 * any download or build. The tools a cached build no longer needs are not asked for.
 */
export function findMissingPrerequisites(
  servers: readonly ServerName[],
  probe: MachineProbe,
  cached: CachedBuilds,
): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  const need = (program: string, entry: Omit<MissingPrerequisite, 'what'> & { what?: string }) => {
    if (!probe.which(program)) missing.push({ what: program, ...entry });
  };
  if (servers.includes('mqtt'))
    need('mosquitto', { why: 'the MQTT broker the tests start', apt: 'mosquitto' });
  if (servers.includes('kafka')) {
    need('java', {
      what: 'java (17+)',
      why: 'runs the Kafka broker',
      apt: 'openjdk-17-jre-headless',
    });
    if (!probe.exists(cached.kafkaLibs))
      need('mvn', { why: "fetches Kafka's jars from Maven Central", apt: 'maven' });
  }
  if (servers.includes('influx') && !probe.exists(cached.influxd)) {
    const why = 'builds influxd from source (once, ~12 min, cached)';
    need('curl', { why, apt: 'curl' });
    need('pkg-config', { why, apt: 'pkg-config' });
    need('gcc', { why, apt: 'gcc' });
    need('flock', { why: 'lets one influxd build run at a time', apt: 'util-linux' });
    const go = versionOf(probe, 'go', /go(\d+\.\d+(?:\.\d+)?)/);
    if (!go || olderThan(go, GO_MIN))
      missing.push({
        what: `Go >= ${GO_MIN}${go ? ` (found ${go})` : ''}`,
        why,
        command:
          'curl -fsSL https://go.dev/dl/go1.26.8.linux-amd64.tar.gz | sudo tar -C /usr/local -xz  # then /usr/local/go/bin on PATH',
      });
    const rust = versionOf(probe, 'rustc', /rustc (\d+\.\d+\.\d+)/);
    if (!rust || !probe.which('cargo') || olderThan(rust, RUST_MIN))
      missing.push({
        what: `Rust (rustc and cargo) >= ${RUST_MIN}${rust ? ` (found ${rust})` : ''}`,
        why,
        command: "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y",
      });
    const free = probe.freeBytes(cached.cacheRoot);
    if (free < BUILD_DISK_BYTES)
      missing.push({
        what: `${gb(BUILD_DISK_BYTES)} free disk for the influxd build (${gb(free)} free under ${cached.cacheRoot})`,
        why,
        command: `free space there, or set TWINLOG_CACHE_DIR to a disk with room`,
      });
  }
  return missing;
}

/** The message a user sees: what is missing, why, and the exact commands to run. */
export function explainMissing(
  missing: readonly MissingPrerequisite[],
  sudo: '' | 'sudo ',
  hasApt: boolean,
): string {
  const apt = missing.flatMap((m) => (m.apt ? [m.apt] : []));
  const lines = [
    'The tests start real Kafka, InfluxDB and MQTT servers on this machine, and it lacks:',
    ...missing.map((m) => `  - ${m.what}: ${m.why}`),
    '',
    'Install them with:',
  ];
  if (apt.length > 0)
    lines.push(
      hasApt
        ? `  ${sudo}apt-get install -y --no-install-recommends ${[...new Set(apt)].join(' ')}`
        : `  (your package manager) ${[...new Set(apt)].join(' ')}`,
    );
  for (const m of missing) if (m.command) lines.push(`  ${m.command}`);
  lines.push(
    '',
    'then run npm test again. Or point the tests at servers you run yourself:',
    '  KAFKA_BROKERS=host:port, INFLUX_URL + INFLUX_TOKEN + INFLUX_ORG, MQTT_URL=mqtt://host:port.',
  );
  return lines.join('\n');
}

function versionOf(probe: MachineProbe, program: string, pattern: RegExp): string | undefined {
  if (!probe.which(program)) return undefined;
  const line = probe.version(program);
  return line ? pattern.exec(line)?.[1] : undefined;
}

/** Dotted version order: olderThan('1.25.2', '1.25.10') is true. */
export function olderThan(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    if (x !== y) return x < y;
  }
  return false;
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;
