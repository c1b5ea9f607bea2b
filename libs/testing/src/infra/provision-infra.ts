import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { settingsFromEnv, type InfraSettings, type ServerName } from './infra-settings';
import type { ProvisionedServer, StartOptions } from './provisioned-server';
import { cacheDir } from './cache-dir';
import { dockerAvailable } from './containers/docker-available';
import {
  startInfluxContainer,
  startKafkaContainer,
  startMosquittoContainer,
} from './containers/servers.container';
import { startLocalInflux } from './local/influxdb.local';
import { startLocalKafka } from './local/kafka.local';
import { startLocalMosquitto } from './local/mosquitto.local';
import { checkReachable } from './check-reachable';
import { ensurePrerequisites } from './prerequisites/ensure-prerequisites';

export interface ProvisionedInfra {
  /** Only the servers asked for (all three unless `only` narrowed it). */
  settings: Partial<InfraSettings>;
  servers: { [K in ServerName]?: ProvisionedServer<InfraSettings[K]> };
  workDir: string;
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  only?: readonly ServerName[];
  detached?: boolean;
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * Keep locally started servers' data in this directory between runs (the local distributed
   * mode, as a developer expects: state survives a restart). Without it, every run starts
   * servers on fresh data of its own, as the tests need.
   */
  keepDataIn?: string;
}

type Strategy = 'containers' | 'local';
type Starter<K extends ServerName> = (
  o: StartOptions,
) => Promise<ProvisionedServer<InfraSettings[K]>>;
const STARTERS: { [K in ServerName]: Record<Strategy, Starter<K>> } = {
  kafka: { containers: startKafkaContainer, local: startLocalKafka },
  influx: { containers: startInfluxContainer, local: startLocalInflux },
  mqtt: { containers: startMosquittoContainer, local: startLocalMosquitto },
};
const LABEL: Record<ServerName, string> = { kafka: 'Kafka', influx: 'InfluxDB', mqtt: 'MQTT' };
const ENV_HINT: Record<ServerName, string> = {
  kafka: 'KAFKA_BROKERS=host:port',
  influx: 'INFLUX_URL, INFLUX_TOKEN and INFLUX_ORG',
  mqtt: 'MQTT_URL=mqtt://host:port',
};

/**
 * Gives a test run real servers, in order of preference: the ones the environment names, then
 * testcontainers where a Docker engine answers, then servers started locally by tools/infra.
 * TWINLOG_INFRA=local|containers forces the second choice. Never falls back to a fake.
 */
export async function provisionInfra(options: ProvisionOptions = {}): Promise<ProvisionedInfra> {
  const env = options.env ?? process.env;
  const wanted = options.only ?? (['kafka', 'influx', 'mqtt'] as const);
  const named = settingsFromEnv(env);
  const strategy = await chooseStrategy(env['TWINLOG_INFRA']);
  // Before any download or build: a missing mosquitto should not surface after a 12-minute build.
  if (strategy === 'local')
    ensurePrerequisites(
      wanted.filter((name) => !named[name]),
      options.progress ? { progress: options.progress } : {},
    );
  const workDir = options.keepDataIn ?? newWorkDir();
  mkdirSync(workDir, { recursive: true });
  const startOptions: StartOptions = {
    workDir,
    keepData: options.keepDataIn !== undefined,
    detached: options.detached ?? false,
    progress: options.progress ?? ((line) => process.stderr.write(`[infra] ${line}\n`)),
  };

  const attempts = wanted.map(async (name) => {
    const fromEnv = named[name];
    if (fromEnv) return fromEnvironment(name, fromEnv);
    try {
      return await (STARTERS[name][strategy] as Starter<typeof name>)(startOptions);
    } catch (error) {
      throw new Error(explainFailure(name, strategy, error, workDir));
    }
  });
  const results = await Promise.allSettled(attempts);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error).message)] : [],
  );
  if (failures.length > 0) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw new Error(`Real test servers could not be provided.\n\n${failures.join('\n\n')}`);
  }
  const servers: ProvisionedInfra['servers'] = Object.fromEntries(
    wanted.map((name, i) => [name, started[i]]),
  );
  const settings: Partial<InfraSettings> = Object.fromEntries(
    wanted.map((name, i) => [name, started[i]?.settings]),
  );
  return {
    settings,
    servers,
    workDir,
    stop: async () => {
      await Promise.allSettled(Object.values(servers).map((s) => s?.stop()));
      if (!startOptions.detached && !startOptions.keepData) removeServerData(workDir);
    },
  };
}

async function chooseStrategy(forced: string | undefined): Promise<Strategy> {
  if (forced === 'local' || forced === 'containers') return forced;
  if (forced && forced !== 'auto')
    throw new Error(`TWINLOG_INFRA must be auto, local or containers, not "${forced}"`);
  return (await dockerAvailable()) ? 'containers' : 'local';
}

async function fromEnvironment<K extends ServerName>(
  name: K,
  settings: InfraSettings[K],
): Promise<ProvisionedServer<InfraSettings[K]>> {
  await checkReachable(name, settings);
  return {
    settings,
    source: 'env',
    description: `${LABEL[name]} named by the environment`,
    pids: [],
    stop: () => Promise.resolve(),
  };
}

/** A fresh directory for one run's server data and logs, under the cache. */
export function newWorkDir(): string {
  const runs = cacheDir('runs');
  mkdirSync(runs, { recursive: true });
  pruneOldRuns(runs);
  return mkdtempSync(join(runs, `${new Date().toISOString().replace(/[:.]/g, '-')}-`));
}

const KEEP_RUNS_MS = 3 * 24 * 3600_000;

/** Runs' logs are kept a few days for diagnosis; older run folders are removed. */
function pruneOldRuns(runs: string): void {
  for (const entry of readdirSync(runs)) {
    const path = join(runs, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_RUNS_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // another run may be pruning the same folder
    }
  }
}

/** A stopped test run's server data can be large (a benchmark's topics): keep the logs, drop the data. */
function removeServerData(workDir: string): void {
  for (const entry of readdirSync(workDir)) {
    if (entry.endsWith('-data')) rmSync(join(workDir, entry), { recursive: true, force: true });
  }
}

function explainFailure(
  name: ServerName,
  strategy: Strategy,
  error: unknown,
  workDir: string,
): string {
  const cause = error instanceof Error ? error.message : String(error);
  const tried =
    strategy === 'containers'
      ? 'a testcontainers container (a Docker engine answered)'
      : 'starting it locally with tools/infra (no Docker engine answered)';
  return [
    `${LABEL[name]}: not named by the environment; tried ${tried}, which failed:`,
    `  ${cause.split('\n').join('\n  ')}`,
    `  To fix: point the tests at an existing server with ${ENV_HINT[name]}, or fix the cause above`,
    `  (run files: ${workDir}; TWINLOG_INFRA=local|containers picks the way to start one).`,
  ].join('\n');
}
