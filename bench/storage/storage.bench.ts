// What a reading costs to keep (issue 26), measured on disk: the embedded log (events.sqlite)
// and store (telemetry.sqlite) in their layouts before and after issue 26, and the telemetry
// topic on a real Kafka broker in JSON and compact encodings, at 1, 10 and 34 readings an
// event (one sample per request; a gateway's second of samples). The baseline, in the same run:
// 16 bytes a reading, an int64 time and a float64 value, the least an uncompressed store keeps.
// Then the embedded log's rebuild before and after retention, with and without snapshots.
//
//   npm run bench:storage                       # 240,000 readings per layout, 30 days for retention
//   npm run bench:storage -- --readings 600000 --days 60
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { performance } from 'node:perf_hooks';
import {
  foldTwin,
  initialTwinState,
  TWIN_STATE_STREAMS,
  type NewEvent,
  type TwinState,
} from '@twinlog/domain';
import { KafkaEventLog, SqliteEventLog, type TelemetryEncoding } from '@twinlog/event-log';
import { SqliteTelemetryStore } from '@twinlog/telemetry-store';
import { provisionInfra } from '@twinlog/testing';
import { encodeEvent } from '../../libs/event-log/src/shared/event-codec';
import {
  inTransaction,
  openLogDatabase,
  prepareEventInsert,
} from '../../libs/event-log/src/sqlite-index/sqlite-schema';
import { stateChecksum } from '../../apps/twin-state/src/admin/state-checksum';
import { arg } from '../event-log/bench-util';

const READINGS = arg('readings', 240_000);
const SPAN_DAYS = arg('days', 30);
const RAW_BYTES = 16;
const TWINS = 12;
const PROPERTIES = ['temperature', 'vibration_rms', 'spindle_speed', 'power'];
const UNITS: Record<string, string> = {
  temperature: '°C',
  vibration_rms: 'mm/s',
  spindle_speed: 'rpm',
  power: 'kW',
};
const DAY = 86_400_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');

/** A plant's telemetry: each event one twin's next `perEvent` readings (1 Hz per property). */
function* plantEvents(perEvent: number, readings: number, spanMs: number): Generator<NewEvent> {
  const perTwin = Math.ceil(readings / TWINS);
  const samples = Math.ceil(perTwin / PROPERTIES.length);
  const stepMs = Math.max(1, Math.floor(spanMs / samples));
  const cursor = new Array<number>(TWINS).fill(0);
  let made = 0;
  while (made < readings) {
    for (let t = 0; t < TWINS && made < readings; t++) {
      const twinId = `cnc-${String(t).padStart(2, '0')}-spindle`;
      const batch = [];
      for (let i = 0; i < perEvent && made < readings; i++, made++) {
        const n = cursor[t]!++;
        const sample = Math.floor(n / PROPERTIES.length);
        const property = PROPERTIES[n % PROPERTIES.length]!;
        const at = new Date(START + sample * stepMs).toISOString();
        const base = 20 + (n % PROPERTIES.length) * 30;
        batch.push({
          readingId: `${twinId}/${property}/${at}`,
          property,
          value: Math.round((base + Math.sin(sample / 600) * 5 + Math.random()) * 1000) / 1000,
          unit: UNITS[property]!,
          occurredAt: at,
        });
      }
      const last = batch.at(-1)!.occurredAt;
      const recordedAt = new Date(Date.parse(last) + 150).toISOString();
      yield {
        id: randomUUID(),
        type: 'TelemetryReported',
        twinId,
        schemaVersion: 2,
        occurredAt: last,
        recordedAt,
        correlationId: randomUUID(),
        causationId: null,
        producer: 'ingestion',
        data: { readings: batch },
      } as NewEvent;
    }
  }
}

/** Bytes a file takes on disk after its WAL is folded in (as `du` counts them). */
function fileBytes(path: string): number {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return statSync(path).blocks * 512;
}

const perReading = (bytes: number, readings: number) => bytes / readings;
const line = (what: string, bytes: number) =>
  `  ${what.padEnd(58)} ${bytes.toFixed(1).padStart(7)} B/reading  ${(bytes / RAW_BYTES).toFixed(2)}x raw`;

async function embedded(perEvent: number, out: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-storage-'));
  // Before issue 26: JSON bodies in the log, a row per point (naming twin, property, type, site).
  const oldLog = openLogDatabase(join(dir, 'events-json.sqlite'));
  const insertOld = prepareEventInsert(oldLog, false);
  const oldStore = new DatabaseSync(join(dir, 'telemetry-rows.sqlite'));
  oldStore.exec(`PRAGMA journal_mode = WAL; CREATE TABLE telemetry (
      twin_id TEXT NOT NULL, property TEXT NOT NULL, time_ms INTEGER NOT NULL,
      value REAL NOT NULL, twin_type TEXT NOT NULL, site TEXT,
      PRIMARY KEY (twin_id, property, time_ms)) WITHOUT ROWID;`);
  const insertRow = oldStore.prepare('INSERT OR REPLACE INTO telemetry VALUES (?, ?, ?, ?, ?, ?)');
  const log = SqliteEventLog.open(join(dir, 'events.sqlite'));
  const store = SqliteTelemetryStore.open(join(dir, 'telemetry.sqlite'));
  let offset = 0;
  let batch: NewEvent[] = [];
  const flush = async () => {
    await log.append(batch);
    inTransaction(oldLog, () => {
      for (const event of batch)
        insertOld(
          { stream: 'telemetry', partition: 0, offset: offset++ },
          event,
          encodeEvent(event),
        );
    });
    const points = batch.flatMap((e) =>
      (e as NewEvent & { type: 'TelemetryReported' }).data.readings.map((r) => ({
        twinId: e.twinId,
        twinType: 'spindle',
        site: 'plant-a',
        property: r.property,
        value: r.value,
        time: r.occurredAt,
      })),
    );
    await store.write(points);
    oldStore.exec('BEGIN');
    for (const p of points)
      insertRow.run(p.twinId, p.property, Date.parse(p.time), p.value, p.twinType, p.site);
    oldStore.exec('COMMIT');
    batch = [];
  };
  for (const event of plantEvents(perEvent, READINGS, DAY)) {
    batch.push(event);
    if (batch.length * perEvent >= 2_000) await flush();
  }
  if (batch.length > 0) await flush();
  await log.close();
  await store.close();
  oldLog.close();
  oldStore.close();
  const size = (file: string) => perReading(fileBytes(join(dir, file)), READINGS);
  out.push(`embedded, ${perEvent} reading(s) an event:`);
  out.push(line('event log, JSON bodies (before)', size('events-json.sqlite')));
  out.push(line('event log, compact second form (now)', size('events.sqlite')));
  out.push(line('time-series store, a row per point (before)', size('telemetry-rows.sqlite')));
  out.push(line('time-series store, series and sealed blocks (now)', size('telemetry.sqlite')));
}

async function kafka(out: string[]): Promise<void> {
  const infra = await provisionInfra({ only: ['kafka'] });
  try {
    const brokers = infra.settings.kafka!.brokers;
    for (const perEvent of [1, 10, 34])
      for (const encoding of ['json', 'compact', 'compact-v2'] as TelemetryEncoding[]) {
        const prefix = `bench-storage-${perEvent}-${encoding}-${Date.now()}.`;
        const log = await KafkaEventLog.connect({
          brokers,
          clientId: 'bench-storage',
          topicPrefix: prefix,
          partitions: 1,
          telemetryEncoding: encoding,
          dedupeOnAppend: false,
        });
        let batch: NewEvent[] = [];
        for (const event of plantEvents(perEvent, READINGS / 2, DAY)) {
          batch.push(event);
          if (batch.length >= 500) {
            await log.append(batch);
            batch = [];
          }
        }
        if (batch.length > 0) await log.append(batch);
        await log.close();
        const dir = join(infra.workDir, 'kafka-data', `${prefix}telemetry-0`);
        const bytes = readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
        out.push(
          line(
            `kafka telemetry topic, ${encoding}, ${perEvent} an event (one replica)`,
            perReading(bytes, READINGS / 2),
          ),
        );
      }
  } finally {
    await infra.stop();
  }
}

/** A month of readings, a week kept: the rebuild before and after, and from snapshots. */
async function retention(out: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-retention-'));
  const log = SqliteEventLog.open(join(dir, 'events.sqlite'));
  const spanMs = SPAN_DAYS * DAY;
  let batch: NewEvent[] = [];
  for (const event of plantEvents(34, READINGS, spanMs)) {
    batch.push(event);
    if (batch.length >= 100) {
      await log.append(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await log.append(batch);
  const rebuild = async (): Promise<{
    ms: number;
    events: number;
    states: Map<string, TwinState>;
  }> => {
    const started = performance.now();
    const states = new Map<string, TwinState>();
    let events = 0;
    await log.replay(
      { streams: [...TWIN_STATE_STREAMS], maxBatchSize: 5_000 },
      async (recorded) => {
        for (const { event } of recorded) {
          events++;
          states.set(
            event.twinId,
            foldTwin([event], states.get(event.twinId) ?? initialTwinState(event.twinId)),
          );
        }
      },
    );
    return { ms: performance.now() - started, events, states };
  };
  const before = await rebuild();
  const cutoff = new Date(START + spanMs - 7 * DAY).toISOString();
  const started = performance.now();
  const run = await log.telemetryRetention.run(cutoff);
  const runMs = performance.now() - started;
  const after = await rebuild();
  // The checksum a verified rebuild compares (canonical JSON: the order properties were first
  // reported in is not part of a state).
  const same = [...before.states].every(
    ([id, s]) => stateChecksum(s) === stateChecksum(after.states.get(id)!),
  );
  // With snapshots (what twin-state does at start): the states as of a moment a day before the
  // end, then the log after it.
  const snapshotAt = START + spanMs - DAY;
  const fromSnapshot = performance.now();
  let tail = 0;
  await log.replay(
    {
      streams: [...TWIN_STATE_STREAMS],
      from: { kind: 'time', recordedAt: new Date(snapshotAt).toISOString() },
      maxBatchSize: 5_000,
    },
    async (recorded) => {
      tail += recorded.length;
    },
  );
  const snapshotMs = performance.now() - fromSnapshot;
  await log.close();
  out.push(`retention: ${READINGS} readings over ${SPAN_DAYS} days at 34 an event, 7 days kept:`);
  out.push(
    `  retention run: ${run.deleted} of ${run.scanned} events deleted in ${runMs.toFixed(0)} ms`,
  );
  out.push(
    `  rebuild from the whole log, before: ${before.events} events in ${before.ms.toFixed(0)} ms`,
  );
  out.push(
    `  rebuild from the whole log, after:  ${after.events} events in ${after.ms.toFixed(0)} ms (${(after.ms / before.ms).toFixed(2)}x); states identical: ${same}`,
  );
  out.push(`  start from snapshots a day old:     ${tail} events in ${snapshotMs.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const out: string[] = [
    `storage bench: ${READINGS} readings, ${TWINS} twins, ${PROPERTIES.length} properties, 1 Hz, 3-decimal values; raw = ${RAW_BYTES} B/reading`,
  ];
  for (const perEvent of [1, 10, 34]) {
    await embedded(perEvent, out);
    process.stderr.write(`${out.slice(-5).join('\n')}\n`);
  }
  await retention(out);
  await kafka(out);
  process.stdout.write(`\n${out.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
