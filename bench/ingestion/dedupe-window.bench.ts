// How long an ingestion instance takes to refill its de-duplication window from the log at start
// (issue 15, defect 5; ADR 0011): the newest INGESTION_DEDUPE_WINDOW (200,000) reading ids of
// the telemetry stream's tail, read over a log that holds more than that.
//
//   npm run bench:dedupe-window -- [--window 200000] [--per-event 1,10,500] [--kafka]
//
// --per-event lists readings per TelemetryReported event: 1 is the worst case (a sender posting
// one reading per request), 500 the best (full chunks). The embedded log by default; --kafka
// uses KAFKA_BROKERS or starts the local broker the tests use (6 partitions, as installed).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, type NewEvent } from '@twinlog/domain';
import { KafkaEventLog, SqliteEventLog, type EventLog } from '@twinlog/event-log';
import { provisionInfra } from '@twinlog/testing';
import { readRecentReadingKeys } from '../../apps/ingestion/src/intake/recent-reading-keys';
import { arg } from '../event-log/bench-util';

const WINDOW = arg('window', 200_000);
const perEventAt = process.argv.indexOf('--per-event');
const PER_EVENT = (perEventAt >= 0 ? (process.argv[perEventAt + 1] ?? '') : '1,10,500')
  .split(',')
  .map(Number);
const KAFKA = process.argv.includes('--kafka');

function events(total: number, perEvent: number): NewEvent[] {
  const base = Date.now() - 3_600_000;
  const out: NewEvent[] = [];
  for (let i = 0; i < total / perEvent; i++) {
    const twinId = `cnc-${i % 100}`;
    const at = new Date(base + i).toISOString();
    out.push({
      type: 'TelemetryReported',
      data: {
        readings: Array.from({ length: perEvent }, (_, r) => ({
          readingId: `r-${i}-${r}`,
          property: 'temperature',
          value: 40 + (r % 7),
          unit: '°C',
          occurredAt: at,
        })),
      },
      id: randomUUID(),
      twinId,
      schemaVersion: CURRENT_SCHEMA_VERSION.TelemetryReported,
      occurredAt: at,
      recordedAt: at,
      correlationId: randomUUID(),
      causationId: null,
      producer: 'bench',
    } as NewEvent);
  }
  return out;
}

async function measure(log: EventLog, perEvent: number): Promise<void> {
  // 1.5 windows in the log, so the tail is a part of it.
  const all = events(Math.round(WINDOW * 1.5), perEvent);
  // Appends of at most 2,000 readings: Kafka refuses record batches past its size limit (1 MB).
  const chunk = Math.max(1, Math.floor(2_000 / perEvent));
  for (let i = 0; i < all.length; i += chunk) await log.append(all.slice(i, i + chunk));
  const started = performance.now();
  const { keys, events: read } = await readRecentReadingKeys(log, WINDOW);
  const ms = performance.now() - started;
  console.log(
    `${perEvent} reading(s) per event: ${keys.length.toLocaleString('en-US')} ids from ${read.toLocaleString('en-US')} events in ${Math.round(ms)} ms`,
  );
}

async function main(): Promise<void> {
  if (!PER_EVENT.every((n) => Number.isInteger(n) && n > 0 && n <= 500))
    throw new Error('--per-event must list whole numbers of 1 to 500, e.g. 1,10,500');
  const infra = KAFKA ? await provisionInfra({ only: ['kafka'] }) : undefined;
  console.log(
    `window ${WINDOW.toLocaleString('en-US')}, ${KAFKA ? 'Kafka (6 partitions)' : 'embedded log'}`,
  );
  try {
    for (const perEvent of PER_EVENT) {
      const dir = mkdtempSync(join(tmpdir(), 'dedupe-bench-'));
      const log = infra
        ? await KafkaEventLog.connect({
            brokers: infra.settings.kafka!.brokers,
            topicPrefix: `bench-dd-${randomUUID().slice(0, 8)}.`,
            partitions: 6,
            dedupeOnAppend: false,
          })
        : SqliteEventLog.open(join(dir, 'events.sqlite'));
      try {
        await measure(log, perEvent);
      } finally {
        await log.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await infra?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
