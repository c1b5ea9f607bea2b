import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { ServerName } from '../infra-settings';
import { cacheDir, repoRoot } from '../cache-dir';
import {
  explainMissing,
  findMissingPrerequisites,
  type CachedBuilds,
  type MachineProbe,
} from './prerequisites';

export interface ProbeOptions {
  /** The PATH searched (the process's by default). */
  path?: string;
  /**
   * Folders searched besides PATH: Debian's sbin (mosquitto lives there) and where Go and
   * rustup install (build-influxd.sh adds those to its PATH too).
   */
  extraDirs?: string[];
}

/** This machine, as the check sees it. */
export function machineProbe(options: ProbeOptions = {}): MachineProbe {
  const dirs = [
    ...(options.path ?? process.env['PATH'] ?? '').split(delimiter).filter(Boolean),
    ...(options.extraDirs ?? [
      '/usr/sbin',
      '/usr/local/sbin',
      '/sbin',
      '/usr/local/go/bin',
      join(homedir(), 'go', 'bin'),
      join(homedir(), '.cargo', 'bin'),
    ]),
  ];
  const which = (program: string) =>
    dirs
      .map((d) => join(d, program))
      .find((candidate) => {
        try {
          accessSync(candidate, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      });
  return {
    which,
    version: (program) => {
      const found = which(program);
      if (!found) return undefined;
      try {
        const args = program === 'go' ? ['version'] : ['--version'];
        const out = execFileSync(found, args, { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' });
        return out.split('\n')[0];
      } catch {
        return undefined;
      }
    },
    freeBytes: (dir) => {
      let at = dir;
      while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
      const stats = statfsSync(at);
      return stats.bavail * stats.bsize;
    },
    exists: existsSync,
  };
}

/** The cached results of tools/infra's fetch and build scripts, at the versions they pin. */
export function cachedBuilds(env: NodeJS.ProcessEnv = process.env): CachedBuilds {
  const pinned = (script: string, variable: string) =>
    new RegExp(`${variable}="v?([^"]+)"`).exec(
      readFileSync(join(repoRoot(), 'tools', 'infra', script), 'utf8'),
    )?.[1] ?? 'unknown';
  const influx = (
    env['INFLUXDB_VERSION'] ?? pinned('influxdb/build-influxd.sh', 'DEFAULT_VERSION')
  ).replace(/^v?/, 'v');
  const kafka = env['KAFKA_VERSION'] ?? pinned('kafka/fetch-kafka.sh', 'DEFAULT_KAFKA_VERSION');
  return {
    influxd: cacheDir('influxdb', influx, 'influxd'),
    kafkaLibs: cacheDir('kafka', kafka, 'libs'),
    cacheRoot: cacheDir(),
  };
}

export interface EnsureOptions {
  probe?: MachineProbe;
  cached?: CachedBuilds;
  /** Installs Debian packages; the default runs apt-get when root or passwordless sudo allows. */
  install?: (packages: string[]) => boolean;
  /** How the user may run apt-get ('' as root). */
  sudo?: '' | 'sudo ';
  hasApt?: boolean;
  progress?: (line: string) => void;
}

/**
 * Checks, before any download or build, that this machine can start the servers locally;
 * installs the missing Debian packages where it may (as tools/infra/install-prereqs.sh does),
 * and otherwise throws, within seconds, a message with the exact commands to run.
 */
export function ensurePrerequisites(
  servers: readonly ServerName[],
  options: EnsureOptions = {},
): void {
  const probe = options.probe ?? machineProbe();
  const cached = options.cached ?? cachedBuilds();
  const progress = options.progress ?? ((line) => process.stderr.write(`[infra] ${line}\n`));
  let missing = findMissingPrerequisites(servers, probe, cached);
  const packages = [...new Set(missing.flatMap((m) => (m.apt ? [m.apt] : [])))];
  if (packages.length > 0) {
    progress(`missing system packages: ${packages.join(' ')}; trying apt-get install`);
    if ((options.install ?? aptInstall)(packages))
      missing = findMissingPrerequisites(servers, probe, cached);
  }
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  throw new Error(
    explainMissing(
      missing,
      options.sudo ?? (root ? '' : 'sudo '),
      options.hasApt ?? probe.which('apt-get') !== undefined,
    ),
  );
}

/** apt-get as root, or through sudo when it asks no password; false when neither may run. */
function aptInstall(packages: string[]): boolean {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  if (!root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) return false;
  const apt = (args: string[]) =>
    spawnSync(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
    ).status === 0;
  return (
    apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', ...packages])
  );
}
