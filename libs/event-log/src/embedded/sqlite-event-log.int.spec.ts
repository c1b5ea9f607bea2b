import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '../event-log.port';
import { describeEventLogContract } from '../testing/event-log.contract';
import { registered, telemetry } from '../testing/sample-events';
import { SqliteEventLog } from './sqlite-event-log';

const dir = mkdtempSync(join(tmpdir(), 'twinlog-embedded-'));
let files = 0;
const fileOf = new WeakMap<EventLog, string>();
/** A log in a new file, or another connection to the file of `sameStoreAs`. */
const openFresh = async (sameStoreAs?: EventLog) => {
  const file = (sameStoreAs && fileOf.get(sameStoreAs)) ?? join(dir, `log-${(files += 1)}.sqlite`);
  const log = SqliteEventLog.open(file);
  fileOf.set(log, file);
  return log;
};

describeEventLogContract('embedded (node:sqlite)', openFresh);

describe('embedded event log durability', () => {
  it('keeps every appended event across a close and reopen of the file', async () => {
    const file = join(dir, 'durable.sqlite');
    const first = SqliteEventLog.open(file);
    await first.append([registered('m-1'), telemetry('m-1', 40, new Date().toISOString())]);
    await first.close();
    const reopened = SqliteEventLog.open(file);
    expect((await reopened.readStream('m-1')).map((e) => e.type)).toEqual([
      'TwinRegistered',
      'TelemetryReported',
    ]);
    await reopened.close();
  });
});

describe('embedded per-twin reads', () => {
  it('let other work run while a long stream is decoded, and still return it whole and in order', async () => {
    const log = await openFresh();
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    await log.append([registered('long-1')]);
    const readings = Array.from({ length: 5_000 }, (_, i) =>
      telemetry('long-1', i, new Date(t0 + i * 1000).toISOString()),
    );
    await log.append(readings);
    const order: string[] = [];
    const read = log.readStream('long-1').then((events) => {
      order.push('read');
      return events;
    });
    setImmediate(() => order.push('other'));
    const events = await read;
    expect(order).toEqual(['other', 'read']);
    expect(events).toHaveLength(5_001);
    expect(
      events.slice(1).map((e) => e.type === 'TelemetryReported' && e.data.readings[0]!.value),
    ).toEqual(readings.map((_, i) => i));
    await log.close();
  });
});
