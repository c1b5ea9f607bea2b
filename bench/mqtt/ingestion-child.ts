import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { freePort, repoRoot, tsRunner } from '@twinlog/testing';

export interface IngestionChild {
  name: string;
  url: string;
  /** Epoch ms when the process exited, 0 while it runs. */
  exitedAt(): number;
  pid: number;
  /**
   * Stops the process (SIGTERM, then SIGKILL) and removes its persistent MQTT session, unless
   * kept: the broker then queues what arrives for it until it comes back.
   */
  stop(options?: { keepSession?: boolean }): Promise<void>;
}

export interface ChildOptions {
  name: string;
  kafkaBrokers: string[];
  mqttUrl: string;
  topicPrefix: string;
  clientId: string;
  /** Write a CPU profile (.cpuprofile) into this directory when the process exits. */
  profileDir?: string;
  log: (line: string) => void;
}

/**
 * One ingestion service as its own process, the way the distributed mode runs it, with its
 * telemetry writer off: what is measured is intake into the log. Resolves once it is ready.
 */
export async function startIngestionChild(options: ChildOptions): Promise<IngestionChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, ...tsRunner(), join(repoRoot(), 'apps/ingestion/src/main.ts')],
    {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TWINLOG_MODE: 'distributed',
        // Measured without authentication (loopback only): the bench measures the pipeline.
        TWINLOG_AUTH: 'off',
        TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-mqtt-')),
        TWINLOG_TOPIC_PREFIX: options.topicPrefix,
        KAFKA_BROKERS: options.kafkaBrokers.join(','),
        INFLUX_URL: 'http://127.0.0.1:1',
        INFLUX_TOKEN: 'unused',
        INFLUX_ORG: 'unused',
        INGESTION_HTTP_HOST: '127.0.0.1',
        INGESTION_HTTP_PORT: String(port),
        INGESTION_WRITE_TELEMETRY: 'off',
        TWINLOG_TELEMETRY_ENCODING: 'json',
        MQTT_URL: options.mqttUrl,
        INGESTION_MQTT_CLIENT_ID: options.clientId,
      },
    },
  );
  let exitedAt = 0;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitedAt = Date.now();
      resolve(code);
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) options.log(`[${options.name}] ${line}`);
    });
  }
  const stop = async ({ keepSession = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (!keepSession) await forgetSession(options.mqttUrl, options.clientId);
  };
  try {
    await waitReady(url, options.name, exited);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.name, url, pid: child.pid!, exitedAt: () => exitedAt, stop };
}

/** A clean start under the same client id ends the persistent session the client kept. */
export async function forgetSession(mqttUrl: string, clientId: string): Promise<void> {
  const client = await connectAsync(mqttUrl, {
    clientId,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 0 },
  });
  await client.endAsync();
}

async function waitReady(url: string, name: string, exited: Promise<number | null>): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${name} exited with code ${gone} while starting`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready at ${url} after 120 s`);
}
