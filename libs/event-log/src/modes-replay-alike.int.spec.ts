import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinProjection, type NewEvent, type TwinState } from '@twinlog/domain';
import { realServer } from '@twinlog/testing';
import { SqliteEventLog } from './embedded/sqlite-event-log';
import type { EventLog } from './event-log.port';
import { KafkaEventLog } from './kafka/kafka-event-log';
import { newEvent, registered, telemetry } from './testing/sample-events';

// The embedded mode must replay exactly like the Kafka mode: the same events, appended to
// each, fold to the same twin states (log positions aside, which differ by nature).
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
    }
    return events;
  }

  async function replayed(log: EventLog, events: NewEvent[]): Promise<Record<string, unknown>> {
    for (let i = 0; i < events.length; i += 17) await log.append(events.slice(i, i + 17));
    const projection = new TwinProjection();
    const result = await log.replay({ streams: ['twin-events', 'telemetry'] }, async (batch) =>
      projection.apply(batch.map((r) => r.event)),
    );
    expect(result.events).toBe(events.length);
    await log.close();
    return Object.fromEntries(projection.all().map((s) => [s.twinId, withoutPositions(s)]));
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
    expect(Object.keys(embedded).sort()).toEqual(['cnc-1', 'cnc-2', 'cnc-3']);
    expect(kafka).toEqual(embedded);
  });
});

function withoutPositions(state: TwinState): unknown {
  const reported = Object.fromEntries(
    Object.entries(state.reported).map(([k, v]) => [k, { ...v, revision: 0 }]),
  );
  return { ...state, revision: 0, telemetryRevision: 0, reported };
}
