import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope, NewEvent } from '@twinlog/domain';
import { SqliteEventLog } from '../embedded/sqlite-event-log';
import type { RecordedEvent } from '../event-log.port';
import { telemetry } from '../testing/sample-events';
import { StatefulStreamConsumer } from './stateful-stream-consumer';

/** A state that sums readings per partition and reports each sum as it goes (as an event id). */
function summing() {
  const sums = new Map<number, number>();
  const fed: Array<{ value: number; silent: boolean }> = [];
  return {
    sums,
    fed,
    state: {
      feed: async (
        partition: number,
        event: EventEnvelope,
        silent: boolean,
      ): Promise<NewEvent[]> => {
        if (event.type !== 'TelemetryReported') return [];
        const value = event.data.readings[0]!.value;
        fed.push({ value, silent });
        sums.set(partition, (sums.get(partition) ?? 0) + value);
        return [];
      },
      drop: (partition: number) => sums.delete(partition),
    },
  };
}

describe('StatefulStreamConsumer (embedded log)', () => {
  const at = new Date().toISOString();
  let log: SqliteEventLog;
  let records: RecordedEvent[];

  beforeAll(async () => {
    log = SqliteEventLog.open(join(mkdtempSync(join(tmpdir(), 'ssc-')), 'events.sqlite'));
    await log.append([1, 2, 3, 4, 5, 6].map((v) => telemetry('t-1', v, at)));
    records = [];
    await log.replay({ streams: ['telemetry'] }, async (batch) => void records.push(...batch));
  });
  afterAll(() => log.close());

  it('restores a partition it never held from the log, silently, before feeding the batch', async () => {
    const s = summing();
    const progress: number[] = [];
    const consumer = new StatefulStreamConsumer(
      log,
      'telemetry',
      s.state,
      undefined,
      (r) => progress.push(r.events),
      0,
    );
    await consumer.handle(records.slice(3));
    expect(s.fed).toEqual([
      { value: 1, silent: true },
      { value: 2, silent: true },
      { value: 3, silent: true },
      { value: 4, silent: false },
      { value: 5, silent: false },
      { value: 6, silent: false },
    ]);
    expect(s.sums.get(0)).toBe(21);
    expect(consumer.stats.restores).toBe(1);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('skips what it already handled and catches up a gap another member handled', async () => {
    const s = summing();
    const consumer = new StatefulStreamConsumer(log, 'telemetry', s.state);
    await consumer.handle(records.slice(0, 2));
    await consumer.handle(records.slice(1, 3)); // a redelivery of 2, then 3
    await consumer.handle(records.slice(4)); // 4 was handled elsewhere
    expect(s.fed.map((f) => `${f.value}${f.silent ? 's' : ''}`)).toEqual([
      '1',
      '2',
      '3',
      '4s',
      '5',
      '6',
    ]);
    expect(s.sums.get(0)).toBe(21);
  });

  it('drops the state of a failed batch, so the retry is fed from state rebuilt from the log', async () => {
    const s = summing();
    let fail = true;
    const consumer = new StatefulStreamConsumer(log, 'telemetry', {
      feed: async (p, e, silent) => {
        if (!silent && fail && e.type === 'TelemetryReported' && e.data.readings[0]!.value === 4) {
          fail = false;
          throw new Error('append failed');
        }
        return s.state.feed(p, e, silent);
      },
      drop: s.state.drop,
    });
    await consumer.handle(records.slice(0, 2));
    await expect(consumer.handle(records.slice(2))).rejects.toThrow('append failed');
    await consumer.handle(records.slice(2));
    // 3 was fed before 4 failed: fed again on top of it, the sum would be 24.
    expect(s.sums.get(0)).toBe(21);
  });

  it('forgets partitions it no longer holds after a rebalance', async () => {
    const s = summing();
    const consumer = new StatefulStreamConsumer(log, 'telemetry', s.state);
    await consumer.handle(records);
    consumer.assigned([1, 2]);
    expect(consumer.partitions).toEqual([1, 2]);
    expect(s.sums.has(0)).toBe(false);
  });
});
