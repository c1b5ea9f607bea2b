import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isAlertEvent,
  STREAMS,
  TwinProjection,
  type NewEvent,
  type TwinState,
} from '@twinlog/domain';
import { realServer } from '@twinlog/testing';
import { SqliteEventLog } from './embedded/sqlite-event-log';
import type { EventLog } from './event-log.port';
import { KafkaEventLog } from './kafka/kafka-event-log';
import {
  alertAcknowledged,
  alertOpened,
  newEvent,
  registered,
  telemetry,
} from './testing/sample-events';

// The embedded mode must replay exactly like the Kafka mode: the same events, appended to
// each, fold to the same twin states (log positions aside, which differ by nature), and give
// each twin's alerts (the third stream, which changes no state) in the same order.
describe('embedded and Kafka logs replay alike', () => {
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  function plantHistory(): NewEvent[] {
    const events: NewEvent[] = [];
    for (const twin of ['cnc-1', 'cnc-2', 'cnc-3']) {
      events.push(registered(twin, { recordedAt: minutesAgo(100), occurredAt: minutesAgo(100) }));
      for (let i = 0; i < 40; i++)
        events.push(telemetry(twin, 20 + ((i * 7) % 13), minutesAgo(90 - ((i * 17) % 40))));
      events.push(
        newEvent(
          twin,
          {
            type: 'MaintenancePerformed',
            data: {
              kind: 'repair',
              performedAt: minutesAgo(70),
              resets: ['temperature'],
              componentId: null,
              notes: null,
            },
          },
          { occurredAt: minutesAgo(70) },
        ),
      );
      events.push(
        newEvent(twin, {
          type: 'AnomalyDetected',
          data: {
            episodeId: `${twin}-ep1`,
            detector: 'limits',
            properties: ['temperature'],
            score: 0.8,
            severity: 'warning',
            evidence: [],
          },
        }),
      );
      events.push(alertOpened(twin, `${twin}-alert`), alertAcknowledged(twin, `${twin}-alert`));
    }
    return events;
  }

  async function replayed(log: EventLog, events: NewEvent[]): Promise<Record<string, unknown>> {
    for (let i = 0; i < events.length; i += 17) await log.append(events.slice(i, i + 17));
    const projection = new TwinProjection();
    const alerts: Record<string, string[]> = {};
    const result = await log.replay({ streams: [...STREAMS] }, async (batch) => {
      projection.apply(batch.map((r) => r.event));
      for (const { event } of batch)
        if (isAlertEvent(event)) (alerts[event.twinId] ??= []).push(event.type);
    });
    expect(result.events).toBe(events.length);
    await log.close();
    return {
      states: Object.fromEntries(projection.all().map((s) => [s.twinId, withoutPositions(s)])),
      alerts,
    };
  }

  it('folds the same plant history to the same states in both modes', async () => {
    const events = plantHistory();
    const embedded = await replayed(
      SqliteEventLog.open(join(mkdtempSync(join(tmpdir(), 'twinlog-alike-')), 'log.sqlite')),
      events,
    );
    const kafka = await replayed(
      await KafkaEventLog.connect({
        brokers: realServer('kafka').brokers,
        topicPrefix: `alike-${randomUUID().slice(0, 8)}.`,
        partitions: 3,
      }),
      events,
    );
    expect(Object.keys(embedded['states'] as object).sort()).toEqual(['cnc-1', 'cnc-2', 'cnc-3']);
    expect(embedded['alerts']).toEqual({
      'cnc-1': ['AlertOpened', 'AlertAcknowledged'],
      'cnc-2': ['AlertOpened', 'AlertAcknowledged'],
      'cnc-3': ['AlertOpened', 'AlertAcknowledged'],
    });
    expect(kafka).toEqual(embedded);
  });
});

function withoutPositions(state: TwinState): unknown {
  const reported = Object.fromEntries(
    Object.entries(state.reported).map(([k, v]) => [k, { ...v, revision: 0 }]),
  );
  return { ...state, revision: 0, telemetryRevision: 0, reported };
}
