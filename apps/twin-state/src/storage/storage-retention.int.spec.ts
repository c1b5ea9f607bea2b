import { setTimeout as sleep } from 'node:timers/promises';
import type { SqliteEventLog } from '@twinlog/event-log';
import { TELEMETRY_WRITER_GROUP } from '@twinlog/service-kit';
import { startTwinStateHarness, type TwinStateHarness } from '../testing/twin-state-harness';

const HOUR = 3_600_000;
const T0 = Date.now() - 48 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
const TWINS = ['mill-a', 'mill-b'];
// The test's cutoffs are milliseconds old; a service keeps at least a day by default.
const ENV = { TWIN_STATE_RETENTION_MIN_AGE_HOURS: '0' };

/** The ndjson rebuild's last line: its report. */
async function rebuildReport(
  h: TwinStateHarness,
): Promise<{ verified: number; mismatches: unknown[] }> {
  const response = await fetch(`${h.service.url}/v1/admin/rebuild`, { method: 'POST' });
  const lines = (await response.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const done = lines.find((l) => l.phase === 'done');
  if (!done) throw new Error(`rebuild did not finish: ${JSON.stringify(lines.at(-1))}`);
  return done.report;
}

// Issue 26: fill, let retention run, restart; the state and time travel inside the kept window
// are what they were, older moments are refused clearly, and a verified rebuild still passes.
describe('raw telemetry log retention (embedded twin-state)', () => {
  let h: TwinStateHarness;
  let dataDir: string;

  beforeAll(async () => {
    h = await startTwinStateHarness('embedded', ENV);
    dataDir = h.config.service.dataDir;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('keeps every state from the window identical across retention and a restart, and refuses older moments', async () => {
    for (const twinId of TWINS)
      expect(
        (
          await h.call('POST', '/v1/twins', {
            twinId,
            twinType: 'cnc-milling-machine',
            commissionedAt: at(0),
            site: 'plant-a',
          })
        ).status,
      ).toBe(201);
    // Before the cutoff: power is reported only here (its current value must survive), and a
    // late reading arrives after a newer one (it must not become current).
    await h.report('mill-a', [
      { property: 'temperature', value: 40, unit: '°C', occurredAt: at(1) },
      { property: 'power_consumption', value: 6, unit: 'kW', occurredAt: at(1) },
    ]);
    for (let i = 0; i < 30; i++)
      await h.report('mill-b', [
        { property: 'temperature', value: 50 + i, unit: '°C', occurredAt: at(2 + i / 100) },
      ]);
    await h.report('mill-b', [
      { property: 'temperature', value: 1, unit: '°C', occurredAt: at(1) },
    ]);
    await sleep(30);
    const cutoff = new Date().toISOString();
    await sleep(30);
    // After it: readings in real time, with moments between them to travel to.
    const moments: string[] = [];
    for (let i = 0; i < 4; i++) {
      await h.report(TWINS[i % 2]!, [
        {
          property: 'temperature',
          value: 70 + i,
          unit: '°C',
          occurredAt: new Date().toISOString(),
        },
      ]);
      await sleep(15);
      moments.push(new Date().toISOString());
      await sleep(15);
    }
    const ask = async () => {
      const answers: Record<string, unknown> = {};
      for (const twinId of TWINS) {
        answers[`${twinId} now`] = (await h.call('GET', `/v1/twins/${twinId}`)).json;
        for (const moment of moments)
          for (const by of ['event', 'record']) {
            const r = await h.call('GET', `/v1/twins/${twinId}/history?at=${moment}&by=${by}`);
            expect(r.status).toBe(200);
            answers[`${twinId} ${by} ${moment}`] = r.json;
          }
      }
      return answers;
    };
    const before = await ask();

    // Nothing goes before the store's writer has read it: here no writer has started yet.
    const waiting = await h.call('POST', '/v1/admin/retention', { olderThan: cutoff });
    expect(waiting.json).toMatchObject({
      deleted: 0,
      heldBackBy: { group: TELEMETRY_WRITER_GROUP, offset: 0 },
    });
    // Then it has read everything (the row ingestion's writer keeps).
    const log = h.infra.log as SqliteEventLog;
    log.db
      .prepare(
        'INSERT INTO consumer_offsets (group_id, stream, partition, next_offset) VALUES (?, ?, 0, ?)',
      )
      .run(TELEMETRY_WRITER_GROUP, 'telemetry', log.endOffset('telemetry'));
    const run = await h.call('POST', '/v1/admin/retention', { olderThan: cutoff });
    expect(run.status).toBe(200);
    // 32 events before the cutoff. Three stay: mill-a's one (its current values), mill-b's newest
    // by event time (its current temperature) and its last (the late one: its telemetry revision).
    expect(run.json).toMatchObject({ scanned: 32, deleted: 29, heldBackBy: null });
    expect(run.json.keptFrom <= cutoff).toBe(true);
    expect(await ask()).toEqual(before);

    // A restart restores from the snapshots taken before the run and the log after them.
    await h.close();
    h = await startTwinStateHarness('embedded', { ...ENV, TWINLOG_DATA_DIR: dataDir });
    expect(await ask()).toEqual(before);
    const millA = (await h.call('GET', '/v1/twins/mill-a')).json;
    expect(millA.reported.power_consumption.value).toBe(6);
    expect((await h.call('GET', '/v1/twins/mill-b')).json.reported.temperature.value).toBe(73);

    // Before the window, on either axis: refused, saying from when the log is whole.
    for (const by of ['event', 'record']) {
      const old = await h.call('GET', `/v1/twins/mill-b/history?at=${at(3)}&by=${by}`);
      expect(old.status).toBe(410);
      expect(old.json.error).toMatchObject({
        code: 'HISTORY_NOT_KEPT',
        details: { keptFrom: run.json.keptFrom },
      });
    }
    // The audit trail keeps the twin-events whole.
    const audit = await h.call('GET', '/v1/twins/mill-b/events?types=TwinRegistered');
    expect(audit.status).toBe(200);

    const report = await rebuildReport(h);
    expect(report).toMatchObject({ verified: 2, mismatches: [] });

    const storage = await h.call('GET', '/v1/storage');
    expect(storage.status).toBe(200);
    expect(storage.json).toMatchObject({
      mode: 'embedded',
      dataDir,
      telemetryLog: { keptFrom: run.json.keptFrom, events: 7, keptForCurrentValues: 3 },
      cap: { status: 'ok' },
    });
    expect(storage.json.bytesOnDisk).toBeGreaterThan(0);
    expect(storage.json.files.map((f: { file: string }) => f.file)).toContain('events.sqlite');

    // A cutoff that is not a time, or one in the future, is a clear 400.
    const bad = await h.call('POST', '/v1/admin/retention', { olderThan: 'yesterday' });
    expect(bad.status).toBe(400);
    const future = new Date(Date.now() + HOUR).toISOString();
    const ahead = await h.call('POST', '/v1/admin/retention', { olderThan: future });
    expect(ahead.status).toBe(400);
    expect(ahead.json.error.message).toMatch(/too recent/);
  }, 60_000);
});
