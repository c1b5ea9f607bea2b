import type { EventEnvelope } from '../events/twin-events';
import { at, given, meta, record } from '../testing/fixtures';
import { stampEvents } from './stamp-events';
import { foldTwin } from './fold-twin';
import { TwinProjection } from './twin-projection';
import { initialTwinState } from './twin-state';

/** A small deterministic generator, so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** A twin's log with late, out-of-order and redelivered telemetry, resets and limit changes. */
function messyLog(twinId: string, seed: number): EventEnvelope[] {
  const next = random(seed);
  const log = [...given(twinId, [{ type: 'RegisterTwin', twinType: 'mill' }]).events];
  for (let n = 0; n < 120; n++) {
    const roll = next();
    if (roll < 0.08) {
      log.push(
        ...record(
          stampEvents(
            twinId,
            [
              {
                type: 'MaintenancePerformed',
                data: {
                  kind: 'inspection',
                  performedAt: at(Math.floor(next() * 600)),
                  resets: ['temperature'],
                  componentId: null,
                  notes: null,
                },
                occurredAt: at(600),
              },
            ],
            meta(),
          ),
        ),
      );
    } else if (roll < 0.12 && log.length > 2) {
      log.push(log[Math.floor(next() * log.length)]!); // a redelivery
    } else {
      const readings = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, i) => ({
        readingId: `r${n}-${i}`,
        property: next() < 0.5 ? 'temperature' : 'spindle_speed',
        value: Math.round(next() * 100),
        unit: 'rpm',
        occurredAt: at(Math.floor(next() * 600)), // late and early alike
      }));
      log.push(
        ...record(
          stampEvents(
            twinId,
            [{ type: 'TelemetryReported', data: { readings }, occurredAt: at(600) }],
            meta(),
          ),
        ),
      );
    }
  }
  return log;
}

describe('a projection of many twins', () => {
  it('folds every twin to exactly the state evolveTwin gives, events interleaved across twins', () => {
    const logs = Array.from({ length: 12 }, (_, i) => messyLog(`mill-${i}`, 7 + i));
    const interleaved: EventEnvelope[] = [];
    for (let k = 0; k < 130; k++) for (const log of logs) if (log[k]) interleaved.push(log[k]!);
    const projection = new TwinProjection();
    // Batches of odd sizes, as a consumer would deliver them.
    for (let i = 0; i < interleaved.length; i += 37) projection.apply(interleaved.slice(i, i + 37));
    for (const [i, log] of logs.entries()) {
      const expected = foldTwin(log, initialTwinState(`mill-${i}`));
      expect(projection.get(`mill-${i}`)).toEqual(expected);
    }
  });

  it("leaves alert events out: no twin changes and no entry is made for the alerts' keys", () => {
    const alert = (twinId: string, revision: number) =>
      ({
        id: `alert-evt-${revision}`,
        twinId,
        type: 'AlertAcknowledged',
        schemaVersion: 1,
        revision,
        occurredAt: at(5),
        recordedAt: at(5),
        correlationId: 'c',
        causationId: null,
        producer: 'alerting/key:k',
        data: { alertId: 'alert-1', note: null },
      }) as EventEnvelope;
    const log = messyLog('mill-a', 5);
    const projection = new TwinProjection();
    // Alert revisions count on their own stream: a high one must not hide the twin's events.
    projection.apply([alert('mill-a', 10_000), ...log, alert('@alerting', 1)]);
    expect(projection.get('mill-a')).toEqual(foldTwin(log, initialTwinState('mill-a')));
    expect(projection.get('@alerting')).toBeUndefined();
    expect(projection.all()).toHaveLength(1);
  });

  it('never changes a state it was given, and counts redeliveries as skipped', () => {
    const log = messyLog('mill-x', 3);
    const half = foldTwin(log.slice(0, 60), initialTwinState('mill-x'));
    const frozen = structuredClone(half);
    const projection = new TwinProjection([half]);
    projection.apply(log.slice(60));
    expect(half).toEqual(frozen);
    expect(projection.get('mill-x')).toEqual(foldTwin(log, initialTwinState('mill-x')));
    const applied = projection.applied;
    projection.apply(log.slice(60));
    expect(projection.applied).toBe(applied);
  });

  it('counts the readings of the telemetry it folds, each once however often it is delivered', () => {
    const log = messyLog('mill-c', 11);
    // Each distinct telemetry event once: what a reader of the count expects to see folded.
    const distinct = new Map<string, number>();
    for (const e of log)
      if (e.type === 'TelemetryReported') distinct.set(e.id, e.data.readings.length);
    const expected = [...distinct.values()].reduce((a, b) => a + b, 0);
    const projection = new TwinProjection();
    projection.apply(log);
    projection.apply(log.slice(20)); // a redelivery after a rebalance
    expect(expected).toBeGreaterThan(100);
    expect(projection.readingsApplied).toBe(expected);
  });

  it('hands out states that later events do not change (the fold in place stays inside)', () => {
    const telemetry = (value: number, seconds: number) =>
      record(
        stampEvents(
          'mill-t',
          [
            {
              type: 'TelemetryReported',
              data: {
                readings: [
                  {
                    readingId: `r-${seconds}`,
                    property: 'temperature',
                    value,
                    unit: '°C',
                    occurredAt: at(seconds),
                  },
                ],
              },
              occurredAt: at(seconds),
            },
          ],
          meta(),
        ),
      );
    const projection = new TwinProjection();
    const registered = given('mill-t', [{ type: 'RegisterTwin', twinType: 'mill' }]).events;
    projection.apply([...registered, ...telemetry(40, 10), ...telemetry(41, 20)]);

    const fromGet = projection.get('mill-t')!;
    const asGot = structuredClone(fromGet);
    projection.apply(telemetry(42, 30));
    expect(fromGet).toEqual(asGot);

    const [fromAll] = projection.all();
    const asListed = structuredClone(fromAll);
    projection.apply(telemetry(43, 40));
    expect(fromAll).toEqual(asListed);
    expect(fromAll!.reported['temperature']?.value).toBe(42);

    const now = projection.get('mill-t')!;
    expect(now.reported['temperature']?.value).toBe(43);
  });
});
