import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@twinlog/service-kit';
import { repoRoot, tsRunner } from '@twinlog/testing';

/** A bench's services (anomaly, ingestion, twin-state): distributed mode on the bench's broker, topics under `prefix`. */
export function benchEnv(brokers: string[], prefix: string): Env {
  return {
    TWINLOG_MODE: 'distributed',
    // Measured without authentication (loopback only): the bench measures the pipeline.
    TWINLOG_AUTH: 'off',
    KAFKA_BROKERS: brokers.join(','),
    TWINLOG_TOPIC_PREFIX: prefix,
    KAFKA_CLIENT_LOG_LEVEL: 'error',
    INFLUX_URL: 'http://127.0.0.1:1',
    INFLUX_TOKEN: 'unused',
    INFLUX_ORG: 'unused',
    ANOMALY_HTTP_HOST: '127.0.0.1',
    ANOMALY_HTTP_PORT: '0',
    INGESTION_HTTP_HOST: '127.0.0.1',
    INGESTION_HTTP_PORT: '0',
    INGESTION_WRITE_TELEMETRY: 'off',
  };
}

export interface ServiceProcess {
  url: string;
  /** SIGSTOP / SIGCONT: the scaling bench holds workers still while their input is written. */
  signal(name: NodeJS.Signals): void;
  close(): Promise<void>;
}

/** A service's main.ts as its own process on the bench's Kafka; resolves when it listens. */
export async function startService(
  service: 'ingestion' | 'anomaly' | 'twin-state',
  env: Env,
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [...tsRunner(), join(repoRoot(), 'apps', service, 'src', 'main.ts')],
    {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), `bench-${service}-`)),
        TWINLOG_LOG_FORMAT: 'json',
      },
    },
  );
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`${service} exited: ${output}`)));
  });
  return {
    url,
    signal: (name) => child.kill(name),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
