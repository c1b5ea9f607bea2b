import fc from 'fast-check';
import {
  foldTwin,
  initialTwinState,
  TWIN_STATE_STREAMS,
  type NewEvent,
  type TwinState,
} from '@twinlog/domain';
import { newEvent, registered } from '../testing/sample-events';
import { SqliteEventLog } from './sqlite-event-log';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const TWINS = ['a', 'b', '__proto__'];
const PROPERTIES = ['temperature', 'power', 'constructor'];

/** One event of the generated history: telemetry (late and out of order) or a maintenance reset. */
type Step =
  | { kind: 'telemetry'; twin: number; recorded: number; readings: Array<[number, number, number]> }
  | { kind: 'maintenance'; twin: number; recorded: number; performed: number; resets: number[] };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('telemetry' as const),
      twin: fc.nat(TWINS.length - 1),
      recorded: fc.nat(100),
      // [property, seconds before the record time, value]: late readings and equal times too.
      readings: fc.array(fc.tuple(fc.nat(PROPERTIES.length - 1), fc.nat(30), fc.integer()), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('maintenance' as const),
      twin: fc.nat(TWINS.length - 1),
      recorded: fc.nat(100),
      performed: fc.nat(30),
      resets: fc.array(fc.nat(PROPERTIES.length - 1), { maxLength: 2 }),
    }),
  },
);

function eventsOf(steps: Step[]): NewEvent[] {
  // Record times go forward, give or take a batch's few seconds (appends are not stamped in
  // offset order exactly); event times may be anything before.
  let clock = 0;
  return steps.map((s, i) => {
    clock = Math.max(clock, s.recorded);
    const recordedAt = iso(Math.max(0, clock - (s.recorded % 3)));
    const twinId = TWINS[s.twin]!;
    if (s.kind === 'maintenance')
      return newEvent(
        twinId,
        {
          type: 'MaintenancePerformed',
          data: {
            kind: 'tool-replaced',
            performedAt: iso(Math.max(0, clock - s.performed)),
            resets: s.resets.map((p) => PROPERTIES[p]!),
            componentId: null,
            notes: null,
          },
        },
        { recordedAt, occurredAt: recordedAt },
      );
    const readings = s.readings.map(([p, before, value], j) => ({
      readingId: `r-${i}-${j}`,
      property: PROPERTIES[p]!,
      value,
      unit: '1',
      occurredAt: iso(Math.max(0, clock - before)),
    }));
    const occurredAt = readings.map((r) => r.occurredAt).sort()[0]!;
    return newEvent(
      twinId,
      { type: 'TelemetryReported', data: { readings } },
      { recordedAt, occurredAt },
    );
  });
}

async function stateAt(
  log: SqliteEventLog,
  twinId: string,
  until: { axis: 'event' | 'record'; at: string } | undefined,
): Promise<TwinState> {
  const streams = [...TWIN_STATE_STREAMS];
  const options = !until
    ? { streams }
    : until.axis === 'event'
      ? { streams, occurredUntil: until.at }
      : { streams, recordedUntil: until.at };
  return foldTwin(await log.readStream(twinId, options), initialTwinState(twinId));
}

async function everyState(log: SqliteEventLog, moments: number[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const twinId of TWINS) {
    answers.push(await stateAt(log, twinId, undefined));
    for (const moment of moments)
      for (const axis of ['event', 'record'] as const)
        answers.push(await stateAt(log, twinId, { axis, at: iso(moment) }));
  }
  return answers;
}

describe('retention of the embedded raw telemetry log', () => {
  it('keeps every state and every time travel from the kept window on identical, in one run or several', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(110), { minLength: 1, maxLength: 3 }),
        async (steps, cutoffs) => {
          const log = SqliteEventLog.open(':memory:');
          try {
            await log.append(
              TWINS.map((t) => registered(t, { recordedAt: iso(0), occurredAt: iso(0) })),
            );
            await log.append(eventsOf(steps));
            // Every 3 s, and each cutoff's own moment and the one before it (edges).
            const all = [
              ...new Set([
                ...Array.from({ length: 37 }, (_, i) => i * 3),
                ...cutoffs.flatMap((c) => [c - 1, c, c + 1]),
              ]),
            ].filter((m) => m >= 0);
            const before = await everyState(log, all);
            for (const cutoff of [...cutoffs].sort((a, b) => a - b))
              await log.telemetryRetention.run(iso(cutoff));
            const keptFrom = log.telemetryRetention.keptFrom();
            const kept = all.filter((m) => keptFrom === null || iso(m) >= keptFrom);
            const after = await everyState(log, kept);
            expect(after).toEqual(keptAnswers(before, all, kept));
            // A replay of the whole log folds to the same live state too.
            const replayed = new Map<string, TwinState>();
            await log.replay({ streams: [...TWIN_STATE_STREAMS] }, async (batch) => {
              for (const { event } of batch)
                replayed.set(
                  event.twinId,
                  foldTwin([event], replayed.get(event.twinId) ?? initialTwinState(event.twinId)),
                );
            });
            for (const twinId of TWINS)
              expect(replayed.get(twinId)).toEqual(await stateAt(log, twinId, undefined));
          } finally {
            await log.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('deletes what no state needs, reports the window, and never passes a consumer that is behind', async () => {
    const log = SqliteEventLog.open(':memory:');
    try {
      await log.append([registered('m', { recordedAt: iso(0), occurredAt: iso(0) })]);
      const readings = (n: number) =>
        newEvent(
          'm',
          {
            type: 'TelemetryReported',
            data: {
              readings: [
                {
                  readingId: `t${n}`,
                  property: 'temperature',
                  value: n,
                  unit: '1',
                  occurredAt: iso(n),
                },
              ],
            },
          },
          { recordedAt: iso(n), occurredAt: iso(n) },
        );
      for (let n = 1; n <= 100; n++) await log.append([readings(n)]);
      // A group that must read telemetry first and has not started holds everything.
      const waiting = await log.telemetryRetention.run(iso(90), { waitFor: ['writer'] });
      expect(waiting).toMatchObject({ deleted: 0, heldBackBy: { group: 'writer', offset: 0 } });
      // A consumer that has read 40 telemetry events holds the cutoff there.
      log.db
        .prepare(
          `INSERT INTO consumer_offsets (group_id, stream, partition, next_offset) VALUES ('slow', 'telemetry', 0, 40)`,
        )
        .run();
      const held = await log.telemetryRetention.run(iso(90));
      expect(held.heldBackBy).toEqual({ group: 'slow', offset: 40 });
      expect(held.deleted).toBe(39);
      expect(held.keptFrom).toBe(iso(40));
      expect(log.telemetryRetention.counts().events).toBe(61);
      log.db.prepare(`UPDATE consumer_offsets SET next_offset = 100 WHERE group_id = 'slow'`).run();
      const progress: string[] = [];
      const run = await log.telemetryRetention.run(iso(90), {
        onProgress: (p) => progress.push(p.phase),
      });
      expect(run.heldBackBy).toBeNull();
      expect(run.keptFrom).toBe(iso(89));
      // 1..89 were recorded before the cutoff; only 89, the current value, stays of them.
      expect(log.telemetryRetention.counts()).toMatchObject({ events: 12, keptForState: 1 });
      expect(progress).toContain('delete');
      const state = await stateAt(log, 'm', undefined);
      expect(state.reported['temperature']?.value).toBe(100);
      // An earlier cutoff than the window changes nothing.
      expect((await log.telemetryRetention.run(iso(10))).deleted).toBe(0);
    } finally {
      await log.close();
    }
  });
});

/** The answers before retention, for the moments still kept. */
function keptAnswers(before: unknown[], all: number[], kept: number[]): unknown[] {
  const perTwin = 1 + all.length * 2;
  const out: unknown[] = [];
  TWINS.forEach((_, t) => {
    const base = t * perTwin;
    out.push(before[base]);
    for (const moment of kept) {
      const i = all.indexOf(moment);
      out.push(before[base + 1 + i * 2], before[base + 2 + i * 2]);
    }
  });
  return out;
}
