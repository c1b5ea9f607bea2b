import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import type { InfluxSettings, MqttSettings } from '../infra-settings';
import { cacheDir, repoRoot } from '../cache-dir';
import { runScript } from '../run-script';
import { ServerProcess, waitUntilReady } from '../server-process';
import { countPeerPoints } from './peer-points';
import {
  TELEGRAF_SECRET_ENV,
  telegrafConfigText,
  type TelegrafPeerConfig,
} from './telegraf-config';

export interface TelegrafOptions extends Partial<
  Omit<TelegrafPeerConfig, 'brokerAddress' | 'influx'>
> {
  /** The broker, logged in as in its URL (the test user's `MqttSettings.url`). */
  mqtt: MqttSettings;
  influx: InfluxSettings;
  /** The run's directory: <name>.conf and <name>.log are written here. */
  workDir: string;
  /** Names this instance's files, for several in one run (default `telegraf`). */
  name?: string;
  /** Build progress (the first start builds Telegraf, minutes); stderr by default. */
  progress?: (line: string) => void;
}

export interface RunningTelegraf {
  pid: number;
  logFile: string;
  configFile: string;
  /** What it was started with, so a caller publishes and queries to match. */
  config: TelegrafPeerConfig;
  stop(): Promise<void>;
}

/** The twin of the start's warm-up reading: one point, outside any twin a caller publishes for. */
export const TELEGRAF_WARM_UP_TWIN = 'telegraf-warm-up';

/**
 * Starts the "TIG" peer's Telegraf (built by tools/infra/telegraf/build-telegraf.sh and cached
 * under ~/.cache/twinlog/telegraf/<version> when missing). Ready means delivering: a warm-up
 * reading went from the broker through Telegraf into InfluxDB, so a caller's first message is
 * not lost to a subscription still on its way (Telegraf logs "Connected" before it subscribes).
 */
export async function startTelegraf(options: TelegrafOptions): Promise<RunningTelegraf> {
  const { mqtt, influx, workDir, name = 'telegraf', progress: given, ...peer } = options;
  const progress = given ?? ((line) => process.stderr.write(`[telegraf] ${line}\n`));
  const script = join(repoRoot(), 'tools', 'infra', 'telegraf', 'build-telegraf.sh');
  const binary = await runScript(script, { TWINLOG_CACHE_DIR: cacheDir() }, progress);
  const broker = new URL(mqtt.url);
  const config: TelegrafPeerConfig = {
    topicPattern: 'plant/{site}/{twinId}/telemetry',
    payload: 'readings',
    clientId: `twinlog-peer-telegraf-${process.pid}-${Date.now()}`,
    ...withoutUndefined(peer),
    brokerAddress: `${broker.protocol}//${broker.host}`,
    influx,
  };
  const configFile = join(workDir, `${name}.conf`);
  writeFileSync(configFile, telegrafConfigText(config));
  const server = ServerProcess.start({
    name: 'Telegraf',
    command: binary,
    // Strict: a ${VAR} is replaced only inside a string, never as TOML syntax (1.38's default).
    args: ['--config', configFile, '--strict-env-handling'],
    logFile: join(workDir, `${name}.log`),
    cwd: workDir,
    env: {
      [TELEGRAF_SECRET_ENV.mqttUsername]: decodeURIComponent(broker.username),
      [TELEGRAF_SECRET_ENV.mqttPassword]: decodeURIComponent(broker.password),
      [TELEGRAF_SECRET_ENV.influxToken]: influx.token,
    },
  });
  // Should the caller crash before stop(), Telegraf must not outlive it (a child is not killed
  // with its parent), still holding its MQTT session.
  const killOnExit = () => void server.kill();
  process.once('exit', killOnExit);
  try {
    await waitUntilReady(server, async () => logSays(server.logFile, 'Connected'), 30_000);
    await untilWarmUpArrives(server, config, mqtt.url, influx);
  } catch (error) {
    await server.stop(5_000);
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    pid: server.pid,
    logFile: server.logFile,
    configFile,
    config,
    // SIGTERM: Telegraf stops its inputs, flushes what it holds to InfluxDB, then exits.
    stop: async () => {
      await server.stop(15_000);
      process.off('exit', killOnExit);
    },
  };
}

/** Republishes one reading (the same point each time) until InfluxDB answers for it. */
async function untilWarmUpArrives(
  server: ServerProcess,
  config: TelegrafPeerConfig,
  mqttUrl: string,
  influx: InfluxSettings,
): Promise<void> {
  const reading = { property: 'warm_up', value: 1, time: new Date().toISOString() };
  const payload = JSON.stringify(
    config.payload === 'readings' ? { readings: [reading] } : [reading],
  );
  const topic = config.topicPattern
    .replace('{site}', 'telegraf')
    .replace('{twinId}', TELEGRAF_WARM_UP_TWIN);
  const client: MqttClient = await connectAsync(mqttUrl, { reconnectPeriod: 0 });
  try {
    await waitUntilReady(
      server,
      async () => {
        await client.publishAsync(topic, payload, { qos: 1 });
        return (await countPeerPoints(influx, measurementOf(config), [TELEGRAF_WARM_UP_TWIN])) > 0;
      },
      30_000,
    );
  } finally {
    await client.endAsync();
  }
}

export function measurementOf(config: TelegrafPeerConfig): string {
  return config.measurement ?? 'telemetry';
}

function logSays(logFile: string, text: string): boolean {
  try {
    return readFileSync(logFile, 'utf8').includes(text);
  } catch {
    return false;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
