// Live-stream benchmark (issue 19): 1,000 concurrent GET /v1/stream clients while a steady
// 10,000 readings/s flow into the log, in the embedded mode. Records the delay from a reading's
// acceptance (its event's record time, stamped as it is appended, as ingestion does) to its
// state change reaching a client, next to the same readings' delay to a bare log subscriber in
// the same run (the raw baseline).
//
//   npm run bench:stream -- [--clients 1000] [--rate 10000] [--seconds 30] [--per-event 10]
//
// Plant: 2 sites x 5 lines x 10 machines. Client mix: 80% follow one machine, 15% a line's
// subtree (the line and its 10 machines), 5% a whole site (50 machines).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { stampEvents, type NewEvent } from '@twinlog/domain';
import { openInfrastructure } from '@twinlog/service-kit';
import { jsonRequest, tsRunner } from '@twinlog/testing';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';
import { startTwinState } from '../../apps/twin-state/src/twin-state.app';
import { arg, rate } from '../event-log/bench-util';

const CLIENTS = arg('clients', 1_000);
const RATE = arg('rate', 10_000);
const SECONDS = arg('seconds', 30);
const PER_EVENT = arg('per-event', 10);
const WARM_UP_S = 5;
const SITES = ['plant-a', 'plant-b'];
const LINES_PER_SITE = 5;
const MACHINES_PER_LINE = 10;

const lines = SITES.flatMap((site, s) =>
  Array.from({ length: LINES_PER_SITE }, (_, l) => ({
    id: `line-${s * LINES_PER_SITE + l}`,
    site,
  })),
);
const machines = lines.flatMap((line) =>
  Array.from({ length: MACHINES_PER_LINE }, (_, m) => ({ id: `${line.id}-m${m}`, line })),
);

function queries(): string[] {
  return Array.from({ length: CLIENTS }, (_, i) => {
    const share = i % 20; // 16 of 20 one machine, 3 a line, 1 a site
    if (share < 16) return `?twin=${machines[i % machines.length]!.id}`;
    if (share < 19) return `?twin=${lines[i % lines.length]!.id}&subtree=true`;
    return `?site=${SITES[i % SITES.length]!}`;
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const config = readTwinStateConfig({
    TWINLOG_MODE: 'embedded',
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: dataDir,
    TWIN_STATE_HTTP_HOST: '127.0.0.1',
    TWIN_STATE_HTTP_PORT: '0',
    TWIN_STATE_SNAPSHOT_INTERVAL_MS: '3600000',
    TWIN_STATE_SNAPSHOT_EVERY_EVENTS: '100000000',
  });
  const infra = await openInfrastructure(config.service, { service: 'bench-stream', store: true });
  const service = await startTwinState(config, infra, false);
  const commissionedAt = new Date(Date.now() - 86_400_000).toISOString();
  for (const line of lines)
    await jsonRequest(service.url, 'POST', '/v1/twins', {
      twinId: line.id,
      twinType: 'production-line',
      site: line.site,
      commissionedAt,
    });
  for (const m of machines)
    await jsonRequest(service.url, 'POST', '/v1/twins', {
      twinId: m.id,
      twinType: 'cnc-milling-machine',
      site: m.line.site,
      parentId: m.line.id,
      commissionedAt,
    });
  console.log(
    `embedded mode; ${machines.length} machines on ${lines.length} lines at ${SITES.length} sites; ${CLIENTS} clients (80% one machine, 15% a line's subtree, 5% a site); ${rate(RATE)} readings/s in events of ${PER_EVENT}; ${SECONDS} s measured after ${WARM_UP_S} s`,
  );

  // The raw baseline: a bare broadcast subscriber of the telemetry stream, from its end now.
  let measuring = false;
  const raw: number[] = [];
  const [end] = await infra.log.bounds('telemetry');
  const subscription = await infra.log.subscribe({
    group: 'bench-raw',
    streams: ['telemetry'],
    broadcast: true,
    startAt: [{ stream: 'telemetry', partition: 0, offset: end!.end }],
    handler: async (batch) => {
      if (!measuring) return;
      const now = Date.now();
      for (const r of batch) raw.push(now - Date.parse(r.event.recordedAt));
    },
  });

  const worker = new Worker(join(__dirname, 'stream-clients.worker.ts'), {
    execArgv: tsRunner(),
    workerData: { url: service.url, queries: queries() },
  });
  const fromWorker = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (m['error']) reject(new Error(String(m['error'])));
        else if (key in m) {
          worker.off('message', on);
          resolve(m);
        }
      };
      worker.on('message', on);
    });
  const started = Date.now();
  await fromWorker('opened');
  console.log(`${CLIENTS} streams open in ${Date.now() - started} ms`);

  // The writer: due events appended every 10 ms, so the rate holds even when a tick is late.
  const eventsPerSecond = RATE / PER_EVENT;
  let appended = 0;
  let next = 0;
  const writeStart = Date.now();
  let lateTicks = 0;
  const writer = setInterval(() => {
    const due = Math.floor(((Date.now() - writeStart) / 1000) * eventsPerSecond) - appended;
    if (due > eventsPerSecond / 50) lateTicks += 1;
    if (due <= 0) return;
    const now = new Date().toISOString();
    const events: NewEvent[] = [];
    for (let i = 0; i < due; i += 1) {
      const machine = machines[next++ % machines.length]!;
      events.push(
        ...stampEvents(
          machine.id,
          [
            {
              type: 'TelemetryReported',
              occurredAt: now,
              data: {
                readings: Array.from({ length: PER_EVENT }, (_, r) => ({
                  readingId: randomUUID(),
                  property: r % 2 ? 'temperature' : 'spindle_speed',
                  value: r % 2 ? 40 + Math.random() * 10 : 3_000 + Math.random() * 100,
                  unit: r % 2 ? '°C' : 'rpm',
                  occurredAt: now,
                })),
              },
            },
          ],
          {
            commandId: randomUUID(),
            correlationId: randomUUID(),
            causationId: null,
            producer: 'bench',
            now,
          },
        ),
      );
    }
    appended += due;
    void infra.log.append(events);
  }, 10);

  await new Promise((resolve) => setTimeout(resolve, WARM_UP_S * 1000));
  const cpuBefore = process.cpuUsage();
  const memBefore = process.memoryUsage().rss;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  measuring = true;
  worker.postMessage({ measure: true });
  const measuredFrom = appended;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  measuring = false;
  const measuredEvents = appended - measuredFrom;
  worker.postMessage({ report: true });
  const report = (await fromWorker('delays')) as {
    delays: number[];
    messages: number;
    fellBehind: number;
    dropped: number;
    clientLoop: { p99: number; max: number };
  };
  clearInterval(writer);
  const cpu = process.cpuUsage(cpuBefore);
  const stream = report.delays.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  const row = {
    readingsPerSecond: Math.round((measuredEvents * PER_EVENT) / SECONDS),
    messagesPerSecond: Math.round(report.messages / SECONDS),
    rawP50: percentile(raw, 50),
    rawP99: percentile(raw, 99),
    streamP50: percentile(stream, 50),
    streamP99: percentile(stream, 99),
    streamMax: stream[stream.length - 1],
    fellBehind: report.fellBehind,
    dropped: report.dropped,
    serviceCpu: ((cpu.user + cpu.system) / 1e6 / SECONDS).toFixed(2),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    rssGrowthMiB: Math.round((process.memoryUsage().rss - memBefore) / 1048576),
    lateWriterTicks: lateTicks,
    // The service's event loop (shared with the writer and the raw subscriber): a stall here
    // delays both the stream and the baseline.
    loopDelayP99: Math.round(loopDelay.percentile(99) / 1e6),
    loopDelayMax: Math.round(loopDelay.max / 1e6),
    // The clients' thread: parsing 1,000 streams; its stalls count in the stream's delay.
    clientLoopDelayP99: report.clientLoop.p99,
    clientLoopDelayMax: report.clientLoop.max,
  };
  console.log(
    `readings ${rate(row.readingsPerSecond)}/s; messages to clients ${rate(row.messagesPerSecond)}/s; ` +
      `raw subscriber p50 ${row.rawP50} ms p99 ${row.rawP99} ms; stream p50 ${row.streamP50} ms p99 ${row.streamP99} ms (max ${row.streamMax}); ` +
      `ratio p99 ${(row.streamP99 / Math.max(1, row.rawP99)).toFixed(1)}x; fell behind ${row.fellBehind}, dropped ${row.dropped}; ` +
      `service process CPU ${row.serviceCpu} cores, RSS ${row.rssMiB} MiB (+${row.rssGrowthMiB}); ` +
      `event loop delay p99 ${row.loopDelayP99} ms, max ${row.loopDelayMax} ms (clients' thread p99 ${row.clientLoopDelayP99} ms, max ${row.clientLoopDelayMax} ms)`,
  );
  console.log(JSON.stringify(row));
  await worker.terminate();
  await subscription.stop();
  await service.close();
  await infra.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
