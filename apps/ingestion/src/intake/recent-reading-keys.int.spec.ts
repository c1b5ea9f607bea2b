import { randomUUID } from 'node:crypto';
import { readingKey } from '@twinlog/domain';
import { KafkaEventLog, SqliteEventLog, type EventLog } from '@twinlog/event-log';
import { telemetry } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { readRecentReadingKeys } from './recent-reading-keys';

/** `count` telemetry events of `perEvent` readings each, recorded a second apart, twins alternating. */
async function fill(log: EventLog, count: number, perEvent: number): Promise<string[]> {
  const base = Date.now() - 3_600_000;
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const twinId = `twin-${i % 5}`;
    const at = new Date(base + i * 1000).toISOString();
    const event = telemetry(twinId, i, at, { recordedAt: at });
    const readings = Array.from({ length: perEvent }, (_, r) => ({
      readingId: `r-${i}-${r}`,
      property: 'temperature',
      value: r,
      unit: '°C',
      occurredAt: at,
    }));
    await log.append([{ ...event, data: { readings } } as typeof event]);
    keys.push(...readings.map((r) => readingKey(twinId, r.readingId)));
  }
  return keys;
}

describe.each([
  ['embedded', async () => SqliteEventLog.open(':memory:')],
  [
    'Kafka, 3 partitions',
    () =>
      KafkaEventLog.connect({
        brokers: realServer('kafka').brokers,
        topicPrefix: `rk-${randomUUID().slice(0, 8)}.`,
        partitions: 3,
        dedupeOnAppend: false,
      }),
  ],
])('the de-duplication window read from the log (%s)', (_name, open) => {
  it('holds the newest readings of every partition, oldest first, bounded by the window', async () => {
    const log = await open();
    try {
      const all = await fill(log, 60, 3);
      const { keys } = await readRecentReadingKeys(log, 100);
      expect(keys).toEqual(all.slice(all.length - 100));
      expect((await readRecentReadingKeys(log, 1_000)).keys).toEqual(all);
      expect((await readRecentReadingKeys(log, 0)).keys).toEqual([]);
    } finally {
      await log.close();
    }
  }, 60_000);
});
