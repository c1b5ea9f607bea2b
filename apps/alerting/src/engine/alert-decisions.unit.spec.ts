import { AlertsProjection, type EventEnvelope, type NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import { readAlertingConfig } from '../config/alerting.config';
import { AlertTwins } from '../twins/alert-twins';
import { AlertDecisions } from './alert-decisions';

/** A log that records what is appended, at consecutive offsets. */
function memoryLog(): EventLog & { appended: NewEvent[] } {
  const appended: NewEvent[] = [];
  return {
    appended,
    append: async (events: NewEvent[]) => {
      const first = appended.length;
      appended.push(...events);
      return {
        appended: events.map((e, i) => ({
          id: e.id,
          position: { stream: 'alerts' as const, partition: 0, offset: first + i },
        })),
        duplicates: [],
      };
    },
  } as unknown as EventLog & { appended: NewEvent[] };
}

const registered = (twinId: string, parentId: string | null, level: string) =>
  ({
    id: `${twinId}/registered`,
    twinId,
    type: 'TwinRegistered',
    revision: 1,
    schemaVersion: 1,
    occurredAt: '2026-12-06T09:00:00.000Z',
    recordedAt: '2026-12-06T09:00:00.000Z',
    correlationId: 'c',
    causationId: null,
    producer: 'test',
    data: {
      twinType: level === 'system' ? 'production-line' : 'cnc-milling-machine',
      modelVersion: 1,
      level,
      parentId,
      site: 'plant-a',
      name: null,
      limits: {},
    },
  }) as unknown as EventEnvelope;

const detected = (twinId: string, episodeId: string): RecordedEvent => ({
  position: { stream: 'twin-events', partition: 0, offset: 0 },
  event: {
    id: `${episodeId}/detected`,
    twinId,
    type: 'AnomalyDetected',
    revision: 2,
    schemaVersion: 1,
    occurredAt: '2026-12-06T10:00:00.000Z',
    recordedAt: '2026-12-06T10:00:00.000Z',
    correlationId: `corr-${episodeId}`,
    causationId: null,
    producer: 'anomaly',
    data: {
      episodeId,
      detector: 'limits',
      properties: ['temperature'],
      score: 0.9,
      severity: 'alarm',
      evidence: [],
    },
  } as unknown as EventEnvelope,
});

function decisions(poison: string) {
  const log = memoryLog();
  const twins = new AlertTwins();
  twins.apply([
    registered('line-1', null, 'system'),
    registered('line-1-m01', 'line-1', 'asset'),
    registered(poison, 'line-1', 'asset'),
  ]);
  const lookup = twins.lookup;
  // The core reads twins through the lookup: one that throws stands for a decision that fails.
  Object.defineProperty(twins, 'lookup', {
    value: (twinId: string) => {
      if (twinId === poison) throw new Error('cannot read this twin');
      return lookup(twinId);
    },
  });
  const config = readAlertingConfig({ ALERTING_DIRECTORY_WAIT_MS: '0' });
  const clock = () => '2026-12-06T10:00:01.000Z';
  return {
    log,
    engine: new AlertDecisions(log, clock, config, new AlertsProjection(), twins),
  };
}

describe('the decisions on causes', () => {
  it('skips a cause the core cannot decide and decides the next: one poison finding holds nothing up', async () => {
    const { log, engine } = decisions('poisoned');
    await expect(
      engine.onCauses([detected('poisoned', 'ep-0'), detected('line-1-m01', 'ep-1')]),
    ).resolves.toBeUndefined();
    const opened = log.appended.filter((e) => e.type === 'AlertOpened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      twinId: 'line-1',
      producer: 'alerting',
      correlationId: 'corr-ep-1',
      recordedAt: '2026-12-06T10:00:01.000Z',
    });
    // Applied at once: the projection answers with it before any feed brings it back.
    expect(engine.projection.alerts()).toHaveLength(1);
  });

  it('appends nothing new for a finding delivered twice', async () => {
    const { log, engine } = decisions('none');
    await engine.onCauses([detected('line-1-m01', 'ep-1')]);
    const before = log.appended.length;
    await engine.onCauses([detected('line-1-m01', 'ep-1')]);
    expect(log.appended.length).toBe(before);
  });
});

describe('the AI layer (issue 22): a finding of the AI second opinion never opens an alert', () => {
  const aiFinding = (twinId: string): RecordedEvent => ({
    position: { stream: 'twin-events', partition: 0, offset: 1 },
    event: {
      id: `${twinId}/ai-finding`,
      twinId,
      type: 'AiFindingRecorded',
      revision: 3,
      schemaVersion: 1,
      occurredAt: '2026-12-06T10:05:00.000Z',
      recordedAt: '2026-12-06T10:05:00.000Z',
      correlationId: 'corr-ai',
      causationId: null,
      producer: 'anomaly',
      data: {
        source: 'ai-second-opinion',
        verdict: 'possible-anomaly',
        properties: ['temperature'],
        summary: 'the temperature climbs faster than the load explains',
        window: { from: '2026-12-06T09:50:00.000Z', to: '2026-12-06T10:05:00.000Z' },
        readings: 600,
        model: 'gpt-4.1-mini',
        promptVersion: 'second-opinion/1',
      },
    } as unknown as EventEnvelope,
  });

  it('appends nothing for AiFindingRecorded, alone or beside a real anomaly', async () => {
    const { log, engine } = decisions('none');
    await engine.onCauses([aiFinding('line-1-m01')]);
    expect(log.appended).toEqual([]);
    expect(engine.projection.alerts()).toHaveLength(0);
    // The same batch with a detector's finding: that one alone opens the alert.
    await engine.onCauses([aiFinding('line-1-m01'), detected('line-1-m01', 'ep-9')]);
    const opened = log.appended.filter((e) => e.type === 'AlertOpened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ correlationId: 'corr-ep-9' });
  });
});

describe('the silence watcher (ADR 0019 §4: only twins that reported)', () => {
  const START = Date.parse('2026-12-06T10:00:00.000Z');
  const at = (seconds: number): string => new Date(START + seconds * 1000).toISOString();
  const reading = (
    twinId: string,
    recordedAt: string,
    offset = 0,
    partition = 0,
  ): RecordedEvent => ({
    event: { twinId, recordedAt } as unknown as EventEnvelope,
    position: { stream: 'telemetry', partition, offset },
  });

  function watcher(extra: EventEnvelope[] = []) {
    const log = memoryLog();
    const twins = new AlertTwins();
    twins.apply([
      registered('line-1', null, 'system'),
      registered('line-1-m01', 'line-1', 'asset'),
      registered('line-1-m02', 'line-1', 'asset'),
      ...extra,
    ]);
    let now = at(0);
    const clock = { set: (seconds: number) => (now = at(seconds)) };
    const config = readAlertingConfig({ ALERTING_DIRECTORY_WAIT_MS: '0' });
    const engine = new AlertDecisions(log, () => now, config, new AlertsProjection(), twins);
    const silent = (): string[] =>
      engine.projection
        .alerts()
        .filter((a) => a.status !== 'resolved')
        .flatMap((a) => a.members.filter((m) => m.clearedAt === null).map((m) => m.twinId))
        .sort();
    return { engine, clock, silent };
  }

  it('never watches a twin that never reported (a line, a device not wired yet)', async () => {
    const { engine, clock, silent } = watcher();
    engine.seedLastSeen(at(0));
    clock.set(3600);
    await engine.tick();
    expect(silent()).toEqual([]);
  });

  it('a backlog after a restart raises nothing: its readings count as seen at the start', async () => {
    const { engine, clock, silent } = watcher();
    engine.seedLastSeen(at(0));
    engine.onReadings([reading('line-1-m01', at(-3600), 0), reading('line-1-m02', at(-1800), 1)]);
    clock.set(100);
    await engine.tick();
    expect(silent()).toEqual([]);
    // The twins did report: once nothing comes for the silent-after time, they are silent.
    engine.onReadings([reading('line-1-m02', at(200), 2)]);
    clock.set(301);
    await engine.tick();
    expect(silent()).toEqual(['line-1-m01']);
  });

  it('holds silence decisions while the backlog is worked through, however long that takes', async () => {
    const { engine, clock, silent } = watcher();
    engine.seedLastSeen(at(0));
    engine.onReadings([reading('line-1-m01', at(-3600), 0), reading('line-1-m02', at(-3600), 1)]);
    clock.set(400); // still reading readings recorded before the start
    engine.onReadings([reading('line-1-m01', at(-3000), 2)]);
    await engine.tick();
    expect(silent()).toEqual([]);
    // Caught up: readings recorded since the start arrive; m02 had none since.
    engine.onReadings([reading('line-1-m01', at(399), 3)]);
    clock.set(401);
    await engine.tick();
    expect(silent()).toEqual(['line-1-m02']);
  });

  it('watches a twin known to have reported from its findings (derived from its readings) from the start', async () => {
    const finding = { ...detected('line-1-m02', 'ep-9').event, revision: 2 } as EventEnvelope;
    const { engine, clock, silent } = watcher([finding]);
    engine.seedLastSeen(at(0));
    clock.set(301);
    await engine.tick();
    expect(silent()).toEqual(['line-1-m02']);
  });

  it('an open silence alert stays open across a restart while the twin stays silent; an old reading does not clear it', async () => {
    const first = watcher();
    first.engine.seedLastSeen(at(0));
    first.engine.onReadings([reading('line-1-m01', at(10), 0)]);
    first.clock.set(400);
    await first.engine.tick();
    expect(first.silent()).toEqual(['line-1-m01']);
    // A restart on the same log: the projection is rebuilt from it.
    const second = watcher();
    second.engine.projection.apply(recordedOf(first.engine));
    second.clock.set(1000);
    second.engine.seedLastSeen(at(1000));
    // The silence group's backlog brings the reading recorded before the alert opened.
    second.engine.onReadings([reading('line-1-m01', at(10), 0)]);
    second.clock.set(2000);
    await second.engine.tick();
    expect(second.silent()).toEqual(['line-1-m01']);
    expect(second.engine.projection.alerts().map((a) => a.reopenCount)).toEqual([0]);
    // It reports again: the alert resolves.
    second.engine.onReadings([reading('line-1-m01', at(2001), 1)]);
    second.clock.set(2002);
    await second.engine.tick();
    expect(second.silent()).toEqual([]);
  });
});

/** What an engine appended, as the log would give it back. */
function recordedOf(engine: AlertDecisions): EventEnvelope[] {
  return (engine as unknown as { log: { appended: EventEnvelope[] } }).log.appended.map((e, i) => ({
    ...e,
    revision: i + 1,
  }));
}
