import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '@twinlog/event-log';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

/** Every reading id the telemetry stream holds for a twin, as often as it holds it. */
async function loggedReadingIds(log: EventLog, twinId: string): Promise<string[]> {
  const events = await log.readStream(twinId, { streams: ['telemetry'] });
  return events.flatMap((e) =>
    e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.readingId) : [],
  );
}

// Defect 5 of issue 15: the de-duplication window must survive a crash. The first instance is
// never closed cleanly: a second one starts over the same log, as after `kill -9`.
describe.each([
  [
    'embedded',
    () => ({
      TWINLOG_MODE: 'embedded',
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'dedupe-')),
    }),
  ],
  ['Kafka', () => ({})],
])('a resend after a crash is a duplicate (%s log)', (_mode, modeEnv) => {
  const run = randomUUID().slice(0, 8);
  const twinId = `mill-${run}`;
  let first: Harness | undefined;
  let second: Harness | undefined;

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('rebuilds the window from the log at start, so the lost answer is not a second append', async () => {
    const env = modeEnv();
    first = await startHarness(
      [{ twinId, twinType: 'cnc-milling-machine', site: 'plant-a' }],
      env,
      run,
    );
    const time = minutesAgo(5);
    const batch = JSON.stringify([
      { twinId, property: 'temperature', value: 41, time, readingId: `${run}-1` },
      { twinId, property: 'temperature', value: 42, time: minutesAgo(4), readingId: `${run}-2` },
      // No reading id: twinId/property/time identifies it.
      { twinId, property: 'spindle_speed', value: 1200, time },
    ]);
    const sent = await first.post(batch);
    expect(sent.status).toBe(200);
    expect(sent.json.accepted).toBe(3);

    // The answer was lost and the process died; a new instance starts on the same log.
    second = await startHarness([], env, run);
    const resent = await second.post(batch);
    expect(resent.status).toBe(200);
    expect({ accepted: resent.json.accepted, duplicates: resent.json.duplicates }).toEqual({
      accepted: 0,
      duplicates: 3,
    });
    const ids = await loggedReadingIds(second.infra.log, twinId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  }, 120_000);
});
