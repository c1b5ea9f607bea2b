// Alert latency benchmark (issue 20): readings flow at 10,000/s through the embedded
// all-in-one services (the gateway, ingestion, anomaly, maintenance, twin-state, alerting in one
// process, as `npm start` runs them) while a fault is injected on a new machine every second.
// Records, per fault, the delay from the acceptance of the reading that opened the anomaly (its
// event's record time, stamped by ingestion as it appends) to the alert's signed webhook
// arriving at a receiver on 127.0.0.1, next to two raw baselines measured in the same run: the
// same acceptance to the AnomalyDetected event reaching a bare log subscriber, and a bare HTTP
// POST to the same receiver.
//
//   npm run bench:alerts -- [--rate 10000] [--seconds 90] [--fault-every 1] [--lines 10] [--machines 10]
//   npm run bench:alerts -- --distributed     the same services on Kafka and InfluxDB (the test
//                                              tooling's local servers, or those the environment names)
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { jsonRequest, provisionInfra, settingsToEnv, tsRunner } from '@twinlog/testing';
import { startInProcessTwinlog } from '../../apps/all-in-one/src/testing/in-process-twinlog';
import { arg, rate } from '../event-log/bench-util';

const RATE = arg('rate', 10_000);
const SECONDS = arg('seconds', 90);
const FAULT_EVERY_S = arg('fault-every', 1);
const LINES = arg('lines', 10);
const MACHINES_PER_LINE = arg('machines', 10);
const WARM_UP_S = 5;
const SECRET = 'bench-webhook-secret-0123456789';
const DISTRIBUTED = process.argv.includes('--distributed');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
    : NaN;
};
const summary = (values: number[]) =>
  values.length
    ? `p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms, max ${Math.max(...values)} ms (n=${values.length})`
    : 'no samples';

/** A receiver that checks the signature and notes when each alert's first notice arrived. */
async function startReceiver() {
  const opened = new Map<string, number>();
  let bad = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks);
      const signature = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
        String(req.headers['x-twinlog-signature'] ?? ''),
      );
      const expected = signature
        ? createHmac('sha256', SECRET).update(`${signature[1]}.${body.toString()}`).digest('hex')
        : undefined;
      if (req.url === '/bare') {
        res.writeHead(200).end('ok');
        return;
      }
      if (!signature || expected !== signature[2]) bad += 1;
      const payload = JSON.parse(body.toString()) as {
        transition: string;
        alert: { members: Array<{ twinId: string }> };
      };
      if (payload.transition === 'opened')
        for (const m of payload.alert.members) if (!opened.has(m.twinId)) opened.set(m.twinId, at);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    opened,
    badSignatures: () => bad,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const servers = DISTRIBUTED
    ? await provisionInfra({
        only: ['kafka', 'influx'],
        progress: (line) => process.stderr.write(`${line}\n`),
      })
    : undefined;
  const twinlog = await startInProcessTwinlog({
    env: {
      ...(servers
        ? {
            ...settingsToEnv(servers.settings),
            TWINLOG_MODE: 'distributed',
            TWINLOG_TOPIC_PREFIX: `bench-alerts-${randomUUID().slice(0, 8)}.`,
            KAFKA_CLIENT_LOG_LEVEL: 'nothing',
          }
        : {}),
      ALERTING_SECRET_KEY: 'cd'.repeat(32),
      // Far from the measured path: no silence alarms, no predictions in the way.
      ALERTING_SILENT_AFTER_SECONDS: '86400',
      MAINTENANCE_CHECKPOINT_SECONDS: '3600',
    },
  });
  try {
    const commissionedAt = new Date(Date.now() - 86_400_000).toISOString();
    const machines: string[] = [];
    for (let l = 0; l < LINES; l += 1) {
      const lineId = `line-${l}`;
      await jsonRequest(twinlog.url, 'POST', '/v1/twins', {
        twinId: lineId,
        twinType: 'production-line',
        site: 'plant-a',
        commissionedAt,
      });
      for (let m = 0; m < MACHINES_PER_LINE; m += 1) {
        const twinId = `${lineId}-m${m}`;
        await jsonRequest(twinlog.url, 'POST', '/v1/twins', {
          twinId,
          twinType: 'cnc-milling-machine',
          site: 'plant-a',
          parentId: lineId,
          commissionedAt,
        });
        machines.push(twinId);
      }
    }
    // Ingestion learns of the twins through its directory's feed: readings wait until it has.
    for (let tries = 0; ; tries += 1) {
      const probe = await jsonRequest(
        twinlog.url,
        'POST',
        '/v1/readings',
        machines.map((twinId) => ({
          twinId,
          property: 'temperature',
          value: 40,
          time: new Date(Date.now() - 60_000).toISOString(),
        })),
      );
      if (probe.status === 200) break;
      if (tries > 120) throw new Error(`readings refused: ${JSON.stringify(probe.json)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // Faults rotate over the lines: a line's last alert has resolved before its next fault.
    const faultOrder = Array.from(
      { length: machines.length },
      (_, i) => `line-${i % LINES}-m${Math.floor(i / LINES) % MACHINES_PER_LINE}`,
    );
    const channel = await jsonRequest(twinlog.url, 'POST', '/v1/alert-channels', {
      kind: 'webhook',
      url: `${receiver.url}/hook`,
      secret: SECRET,
      name: 'bench',
    });
    if (channel.status !== 201) throw new Error(`channel: ${JSON.stringify(channel.json)}`);
    await jsonRequest(twinlog.url, 'POST', '/v1/alert-rules', {
      name: 'bench',
      match: { minSeverity: 'warning' },
      channels: [channel.json.channelId as string],
    });
    console.log(
      `${DISTRIBUTED ? 'distributed mode (Kafka, InfluxDB)' : 'embedded mode'}, all services in one process; ${machines.length} machines on ${LINES} lines; ${rate(RATE)} readings/s for ${SECONDS} s after ${WARM_UP_S} s warm-up; a fault every ${FAULT_EVERY_S} s`,
    );

    // Baseline 1: AnomalyDetected reaching a bare broadcast subscriber of twin-events.
    const detected = new Map<string, { at: number; cause: string | null }>();
    const ends = await twinlog.infra.log.bounds('twin-events');
    const subscription = await twinlog.infra.log.subscribe({
      group: 'bench-alerts-raw',
      streams: ['twin-events'],
      broadcast: true,
      startAt: ends.map((b) => ({ stream: 'twin-events', partition: b.partition, offset: b.end })),
      handler: async (batch) => {
        const now = Date.now();
        for (const { event } of batch)
          if (event.type === 'AnomalyDetected' && !detected.has(event.twinId))
            detected.set(event.twinId, { at: now, cause: event.causationId });
      },
    });

    const accepted = new Map<string, number>();
    const bare: number[] = [];
    let readings = 0;
    const worker = new Worker(join(__dirname, 'readings-load.worker.ts'), {
      execArgv: tsRunner(),
      workerData: {
        url: twinlog.url,
        machines: faultOrder,
        rate: RATE,
        seconds: SECONDS,
        warmUpSeconds: WARM_UP_S,
        faultEverySeconds: FAULT_EVERY_S,
        tickMs: 50,
      },
    });
    const started = Date.now();
    const progress = setInterval(() => {
      const s = (Date.now() - started) / 1000;
      process.stderr.write(
        `\r${s.toFixed(0)} s: ${rate(readings / s)} readings/s accepted, ${accepted.size} faults, ${detected.size} detected, ${receiver.opened.size} alerts delivered   `,
      );
    }, 1_000);
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: Record<string, unknown>) => {
        if (m['error']) reject(new Error(String(m['error'])));
        if (typeof m['accepted'] === 'number') readings += m['accepted'];
        if (typeof m['fault'] === 'string') {
          accepted.set(m['fault'], m['acceptedAt'] as number);
          // Baseline 2: a bare POST to the same receiver, at the same moment.
          const t0 = Date.now();
          void fetch(`${receiver.url}/bare`, { method: 'POST', body: '{}' })
            .then((r) => r.arrayBuffer())
            .then(() => bare.push(Date.now() - t0));
        }
        if (m['finished']) resolve();
      });
      worker.on('error', reject);
    });
    const loadSeconds = (Date.now() - started) / 1000;
    // The last faults' notices are still on their way.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && [...accepted.keys()].some((t) => !receiver.opened.has(t)))
      await new Promise((r) => setTimeout(r, 200));
    clearInterval(progress);
    process.stderr.write('\n');
    await subscription.stop();

    const toWebhook: number[] = [];
    const toDetected: number[] = [];
    for (const twinId of accepted.keys()) {
      const seen = detected.get(twinId);
      if (!seen?.cause) continue;
      // The reading that opened the episode, as ingestion recorded it.
      const [cause] = await twinlog.infra.log.readStream(twinId, {
        streams: ['telemetry'],
        ids: [seen.cause],
      });
      if (!cause) continue;
      const acceptedAt = Date.parse(cause.recordedAt);
      toDetected.push(seen.at - acceptedAt);
      const webhook = receiver.opened.get(twinId);
      if (webhook !== undefined) toWebhook.push(webhook - acceptedAt);
    }
    console.log(`readings accepted: ${rate(readings / loadSeconds)}/s on average`);
    console.log(
      `faults injected: ${accepted.size}; alerts delivered: ${toWebhook.length}; bad signatures: ${receiver.badSignatures()}`,
    );
    console.log(`reading accepted -> webhook arrival (signed, "opened"): ${summary(toWebhook)}`);
    console.log(
      `raw baseline, reading accepted -> AnomalyDetected at a bare log subscriber: ${summary(toDetected)}`,
    );
    console.log(`raw baseline, a bare HTTP POST to the receiver: ${summary(bare)}`);
    const alerting =
      toWebhook.length && toDetected.length
        ? percentile(toWebhook, 50) - percentile(toDetected, 50)
        : NaN;
    console.log(`alerting's own share at p50 (webhook minus detection): ${alerting} ms`);
  } finally {
    await twinlog.close();
    await receiver.close();
    await servers?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
