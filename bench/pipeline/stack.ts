import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFile } from '@twinlog/service-kit';
import { freePort, provisionInfra, settingsToEnv } from '@twinlog/testing';
import {
  startServiceProcesses,
  type RunningProcess,
} from '../../tools/distributed/service-processes';
import { localTopology } from '../../tools/distributed/topology';

/** The processes the pipeline passes through; the InfluxDB writer is part of ingestion. */
export const PIPELINE_PROCESSES = [
  'twin-state',
  'ingestion',
  'anomaly-1',
  'anomaly-2',
  'maintenance',
];

export interface Stack {
  run: string;
  dir: string;
  topicPrefix: string;
  serversEnv: Record<string, string>;
  apiKey?: string;
  processes: RunningProcess[];
  url(name: string): string;
  /** The services' own lines, kept out of the bench's output. */
  logFile: string;
  /** Epoch ms when a process exited (0 while it runs): where its CPU profile's clock ends. */
  exitedAt(name: string): number;
  stop(): Promise<void>;
}

/**
 * The distributed mode as deployed (tools/distributed): the servers the tests use (or those the
 * environment names), each service its own process with authentication on, a fresh topic
 * prefix, MQTT client id and data directories for this run.
 */
export async function startStack(
  progress: (line: string) => void,
  options: {
    profileDir?: string;
    /** Where each service writes its diagnostic report and heap snapshot (heap-snapshots.ts). */
    heapDir?: string;
    /** Node or V8 flags for every service: an A/B of runtime settings (`--node-flags`). */
    nodeFlags?: string[];
  } = {},
): Promise<Stack> {
  const run = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'twinlog-bench-pipeline-'));
  const logFile = join(dir, 'services.log');
  const serviceLog = createWriteStream(logFile);
  progress('providing Kafka, InfluxDB and MQTT (named by the environment, or started locally)...');
  const infra = await provisionInfra({ env: process.env, progress });
  const serversEnv = settingsToEnv(infra.settings);
  const authOn = (process.env['TWINLOG_AUTH'] ?? 'on') !== 'off';
  const keyFile = join(dir, 'admin.key');
  const apiKey = authOn ? createKeyFile(keyFile) : undefined;
  const topicPrefix = `bench-pipeline-${run}.`;
  for (const name of options.heapDir ? PIPELINE_PROCESSES : [])
    mkdirSync(join(options.heapDir!, name), { recursive: true });
  const topology = localTopology(await freePort()).filter((p) =>
    PIPELINE_PROCESSES.includes(p.name),
  );
  progress(`starting ${topology.map((p) => p.name).join(', ')} (their lines in ${logFile})...`);
  try {
    const started = await startServiceProcesses(topology, {
      env: {
        ...process.env,
        TWINLOG_TOPIC_PREFIX: topicPrefix,
        TWINLOG_LOG_FORMAT: 'json',
        // The bench measures the pipeline, not the per-key request limit (50 a second by
        // default): a plant's feeding gateway would be given room the same way.
        TWINLOG_RATE_LIMIT_PER_SECOND: '100000',
        TWINLOG_RATE_LIMIT_BURST: '100000',
      },
      serversEnv,
      dataDir: join(dir, 'services'),
      ...(apiKey ? { keyFile } : {}),
      // Its own persistent MQTT session: a broker shared with other runs must not mix them.
      envOf: (p): Record<string, string> =>
        p.service === 'ingestion' ? { INGESTION_MQTT_CLIENT_ID: `bench-pipeline-${run}` } : {},
      log: (line) => serviceLog.write(`${line}\n`),
      execArgvOf: (p) => [
        ...(options.nodeFlags ?? []),
        ...(options.profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, p.name)}`]
          : []),
        // A heap snapshot on SIGUSR2 and a diagnostic report (the V8 heap's committed and
        // external sizes) on SIGTTIN, where the bench looks for them (takeHeapSnapshots).
        ...(options.heapDir
          ? [
              '--heapsnapshot-signal=SIGUSR2',
              '--report-on-signal',
              '--report-signal=SIGTTIN',
              `--diagnostic-dir=${join(options.heapDir, p.name)}`,
              `--report-directory=${join(options.heapDir, p.name)}`,
            ]
          : []),
      ],
    });
    const exits = new Map<string, number>();
    for (const p of started.processes) void p.exited.then(() => exits.set(p.name, Date.now()));
    return {
      run,
      dir,
      topicPrefix,
      serversEnv,
      ...(apiKey ? { apiKey } : {}),
      processes: started.processes,
      url: (name) => started.processes.find((p) => p.name === name)!.url,
      logFile,
      exitedAt: (name) => exits.get(name) ?? 0,
      stop: async () => {
        await started.stop();
        await infra.stop();
        serviceLog.end();
      },
    };
  } catch (error) {
    await infra.stop();
    serviceLog.end();
    process.stderr.write(`${readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}\n`);
    throw error;
  }
}

/**
 * Registers the plant's machines through twin-state (a 429 is waited out as its Retry-After
 * says), then waits until every service knows them; progress every 5 s.
 */
export async function registerPlant(
  stack: Stack,
  twinIds: string[],
  twinType: string,
  site: string,
  progress: (line: string) => void = () => undefined,
): Promise<void> {
  const twinState = stack.url('twin-state');
  let next = 0;
  let done = 0;
  const ticker = setInterval(
    () =>
      progress(
        `registering twins: ${done.toLocaleString('en-US')} of ${twinIds.length.toLocaleString('en-US')}`,
      ),
    5_000,
  );
  try {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < twinIds.length) {
          await registerOne(twinIds[next++]!);
          done += 1;
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  // Each service learns the twins from the log: a large plant takes a while.
  const waitMs = 60_000 + twinIds.length * 10;
  for (const deadline = Date.now() + waitMs; ;) {
    const known = await Promise.all(
      stack.processes.map(async (p) => {
        const ready = (await (await fetch(`${p.url}/health/ready`)).json()) as { twins?: number };
        return (ready.twins ?? 0) >= twinIds.length;
      }),
    );
    if (known.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(`the services did not all know the twins after ${waitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }

  async function registerOne(twinId: string): Promise<void> {
    for (;;) {
      const answer = await fetch(`${twinState}/v1/twins`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(stack.apiKey ? { authorization: `Bearer ${stack.apiKey}` } : {}),
        },
        body: JSON.stringify({
          twinId,
          twinType,
          site,
          commissionedAt: new Date(Date.now() - 86_400_000).toISOString(),
        }),
      });
      if (answer.status === 201) return;
      if (answer.status === 429) {
        const seconds = Number(answer.headers.get('retry-after') ?? 1);
        await answer.arrayBuffer();
        await new Promise((r) => setTimeout(r, 1000 * (seconds > 0 ? seconds : 1)));
        continue;
      }
      throw new Error(`registering ${twinId}: HTTP ${answer.status} ${await answer.text()}`);
    }
  }
}
