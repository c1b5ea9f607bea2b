import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventLogContract } from '../testing/event-log.contract';
import { registered, telemetry } from '../testing/sample-events';
import { SqliteEventLog } from './sqlite-event-log';

const dir = mkdtempSync(join(tmpdir(), 'twinlog-embedded-'));
let files = 0;
const openFresh = async () => SqliteEventLog.open(join(dir, `log-${(files += 1)}.sqlite`));

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
