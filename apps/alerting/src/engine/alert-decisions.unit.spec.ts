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
