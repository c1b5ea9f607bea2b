import type { EventEnvelope, NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import type { TwinStateConfig } from '../config/twin-state.config';
import { ProcessKpiProjector } from './process-kpi-projector';
import { oneReplica } from '../testing/one-replica';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const catalog = loadModelCatalog(SEED_MODELS_DIR);
let offset = 0;

const recorded = (event: Partial<EventEnvelope>): RecordedEvent => ({
  event: { revision: 1, schemaVersion: 1, ...event } as EventEnvelope,
  position: { stream: 'telemetry', partition: 0, offset: offset++ },
});
const twin = (twinId: string, twinType: string, parentId: string | null) =>
  recorded({
    type: 'TwinRegistered',
    twinId,
    occurredAt: iso(T0),
    data: { twinType, modelVersion: 1, parentId } as never,
  });
const minuteOf = (i: number) =>
  recorded({
    type: 'TelemetryReported',
    twinId: 'm1',
    occurredAt: iso(T0 + i * MIN),
    data: {
      readings: [
        {
          readingId: `m1/s/${i}`,
          property: 'machine_state',
          value: i % 4 === 3 ? 1 : 2,
          unit: '1',
          occurredAt: iso(T0 + i * MIN),
        },
        {
          readingId: `m1/p/${i}`,
          property: 'parts_produced',
          value: Math.floor(i / 3),
          unit: 'parts',
          occurredAt: iso(T0 + i * MIN),
        },
      ],
    },
  });

function projectorWith(append: (events: NewEvent[]) => Promise<unknown>, processKpis = true) {
  const log = { append: jest.fn(append) } as unknown as EventLog & { append: jest.Mock };
  const config = { processKpis } as TwinStateConfig;
  const projector = new ProcessKpiProjector(
    log,
    catalog,
    () => '2026-03-01T08:00:00.000Z',
    config,
    oneReplica(log),
  );
  return { projector, log };
}

const plant = [
  twin('proc', 'machining-process', null),
  twin('line', 'production-line', 'proc'),
  twin('m1', 'cnc-milling-machine', 'line'),
];

describe('ProcessKpiProjector', () => {
  it('appends nothing while replaying, then each closed minute once, as the process twin’s telemetry', async () => {
    const appended: NewEvent[] = [];
    const { projector, log } = projectorWith(async (events) => appended.push(...events));
    projector.fold([...plant, ...Array.from({ length: 20 }, (_, i) => minuteOf(i))]);
    expect(log.append).not.toHaveBeenCalled();
    projector.caughtUp();
    await projector.settled();
    // Minutes 10 (after the 10-minute warm-up) to 18 (19 is the newest, within the grace).
    expect(appended.map((e) => e.occurredAt)).toEqual(
      Array.from({ length: 9 }, (_, k) => iso(T0 + (10 + k) * MIN)),
    );
    expect(appended[0]).toMatchObject({
      type: 'TelemetryReported',
      id: `process-kpis/proc/${T0 + 10 * MIN}`,
      twinId: 'proc',
      producer: 'twin-state/process-kpis',
      recordedAt: '2026-03-01T08:00:00.000Z',
    });
    projector.fold([minuteOf(20)]);
    await projector.settled();
    expect(appended.at(-1)!.occurredAt).toBe(iso(T0 + 19 * MIN));
    expect(appended).toHaveLength(10);

    // A second projector replaying the log with those events appends nothing.
    const again = projectorWith(async () => undefined);
    again.projector.fold([
      ...plant,
      ...Array.from({ length: 21 }, (_, i) => minuteOf(i)),
      ...appended.map((e) => recorded(e as EventEnvelope)),
    ]);
    again.projector.caughtUp();
    await again.projector.settled();
    expect(again.log.append).not.toHaveBeenCalled();
  });

  it('makes minutes due again when the log refused them', async () => {
    let fail = true;
    const appended: NewEvent[] = [];
    const { projector } = projectorWith(async (events) => {
      if (fail) throw new Error('log unavailable');
      appended.push(...events);
    });
    projector.fold([...plant, ...Array.from({ length: 15 }, (_, i) => minuteOf(i))]);
    projector.caughtUp();
    await projector.settled();
    expect(appended).toEqual([]);
    fail = false;
    projector.fold([minuteOf(15)]);
    await projector.settled();
    expect(appended.map((e) => e.occurredAt)).toEqual(
      Array.from({ length: 5 }, (_, k) => iso(T0 + (10 + k) * MIN)),
    );
  });

  it('appends nothing where TWIN_STATE_PROCESS_KPIS is off', async () => {
    const { projector, log } = projectorWith(async () => undefined, false);
    projector.fold([...plant, ...Array.from({ length: 20 }, (_, i) => minuteOf(i))]);
    projector.caughtUp();
    projector.fold([minuteOf(20)]);
    await projector.settled();
    expect(log.append).not.toHaveBeenCalled();
  });
});

describe('ProcessKpiProjector at start', () => {
  function fakeLog() {
    const replays: Array<{ streams: string[]; from?: unknown }> = [];
    const log = {
      append: jest.fn(async () => undefined),
      replay: jest.fn(async (options: { streams: string[]; from?: unknown }, handler) => {
        replays.push(options);
        if (options.streams[0] === 'twin-events') await handler(plant);
        return {
          events: options.streams[0] === 'twin-events' ? plant.length : 0,
          next: [{ stream: options.streams[0], partition: 0, offset: 7 }],
        };
      }),
      subscribe: jest.fn(async () => ({ stop: jest.fn(async () => undefined) })),
    };
    return { log, replays };
  }
  const now = '2026-03-01T08:00:00.000Z';

  it('replays the hierarchy whole but telemetry only from what the window needs, then follows both', async () => {
    const { log, replays } = fakeLog();
    const projector = new ProcessKpiProjector(
      log as unknown as EventLog,
      catalog,
      () => now,
      {
        processKpis: true,
      } as TwinStateConfig,
      oneReplica(log as unknown as EventLog),
    );
    projector.start();
    await projector.ready;
    expect(replays[0]).toMatchObject({ streams: ['twin-events'] });
    expect(replays[0]!.from).toBeUndefined();
    // Two windows of an hour and the 5-minute hold before now, by record time.
    expect(replays[1]).toMatchObject({
      streams: ['telemetry'],
      from: { kind: 'time', recordedAt: '2026-03-01T05:55:00.000Z' },
    });
    expect(log.subscribe).toHaveBeenCalledWith(
      expect.objectContaining({
        streams: ['twin-events', 'telemetry'],
        broadcast: true,
        startAt: [
          { stream: 'twin-events', partition: 0, offset: 7 },
          { stream: 'telemetry', partition: 0, offset: 7 },
        ],
      }),
    );
    await projector.stop();
  });

  it('reads nothing at all where TWIN_STATE_PROCESS_KPIS is off', async () => {
    const { log } = fakeLog();
    const projector = new ProcessKpiProjector(
      log as unknown as EventLog,
      catalog,
      () => now,
      {
        processKpis: false,
      } as TwinStateConfig,
      oneReplica(log as unknown as EventLog),
    );
    projector.start();
    await projector.ready;
    await projector.stop();
    expect(log.replay).not.toHaveBeenCalled();
    expect(log.subscribe).not.toHaveBeenCalled();
  });
});
