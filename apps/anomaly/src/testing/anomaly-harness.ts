import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { distributedServiceEnv, repoRoot, tsRunner } from '@twinlog/testing';
import { startAnomaly, type RunningAnomaly } from '../anomaly.app';
import { readAnomalyConfig } from '../config/anomaly.config';

/** Env of an anomaly worker on the test servers (distributed) or in a fresh data dir (embedded). */
export function anomalyEnv(mode: 'embedded' | 'distributed', id: string, overrides: Env = {}): Env {
  const base =
    mode === 'distributed'
      ? // Rebalances are the point of some tests: kafkajs logs each one as an error.
        { ...distributedServiceEnv(`anom-${id}.`), KAFKA_CLIENT_LOG_LEVEL: 'nothing' }
      : {
          TWINLOG_MODE: 'embedded',
          // Other tests cover authentication; this one runs on loopback without it.
          TWINLOG_AUTH: 'off',
          TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-anomaly-')),
        };
  return { ...base, ANOMALY_HTTP_HOST: '127.0.0.1', ANOMALY_HTTP_PORT: '0', ...overrides };
}

export interface Worker {
  infra: Infrastructure;
  service: RunningAnomaly;
  close(): Promise<void>;
}

/** An anomaly worker in this process, on its own infrastructure connection. */
export async function startWorker(env: Env): Promise<Worker> {
  const config = readAnomalyConfig(env);
  const infra = await openInfrastructure(config.service, {
    service: 'anomaly-test',
    store: false,
    dedupeOnAppend: true,
    indexedStreams: ['twin-events'],
  });
  const service = await startAnomaly(config, infra, false);
  return {
    infra,
    service,
    close: async () => {
      await service.close();
      await infra.close();
    },
  };
}

/** An anomaly worker as its own process (started as `npm run start:anomaly` would), to be killed. */
export async function spawnWorker(env: Env): Promise<{ child: ChildProcess; url: string }> {
  const main = join(repoRoot(), 'apps', 'anomaly', 'src', 'main.ts');
  const child = spawn(process.execPath, [...tsRunner(), main], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // eslint-disable-next-line no-restricted-syntax -- the child inherits PATH and the test servers
    env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${output}`)));
  });
  return { child, url };
}

export interface Finding {
  id: string;
  type: string;
  twinId: string;
  occurredAt: string;
  data: unknown;
}

/** Everything the anomaly service appended, in log order, without record times. */
export async function findingsIn(log: EventLog): Promise<Finding[]> {
  const found: EventEnvelope[] = [];
  await log.replay({ streams: ['twin-events'] }, async (batch) => {
    for (const { event } of batch) if (event.producer === 'anomaly') found.push(event);
  });
  return found.map(({ id, type, twinId, occurredAt, data }) => ({
    id,
    type,
    twinId,
    occurredAt,
    data,
  }));
}

/** Appends events in chunks, as ingestion would over time. */
export async function appendInChunks(
  log: EventLog,
  events: Parameters<EventLog['append']>[0],
  size = 200,
): Promise<void> {
  for (let i = 0; i < events.length; i += size) await log.append(events.slice(i, i + size));
}

export { until } from '@twinlog/testing';
