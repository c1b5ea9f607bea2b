import type { EventEnvelope } from '@twinlog/domain';
import { ComponentHistory } from './component-history';

const envelope = (id: string, type: string, data: unknown, occurredAt: string) =>
  ({
    id,
    type,
    data,
    twinId: 'tool-1',
    revision: 1,
    schemaVersion: 1,
    occurredAt,
    recordedAt: occurredAt,
    correlationId: 'c',
    causationId: null,
    producer: 'anomaly',
  }) as EventEnvelope;

describe("a component's anomaly history", () => {
  it('records a raised severity at its event time, citing the event that raised it', () => {
    const history = new ComponentHistory();
    history.apply([
      envelope(
        'ep-1/detected',
        'AnomalyDetected',
        {
          episodeId: 'ep-1',
          detector: 'limits',
          properties: ['tool_wear'],
          score: 0.55,
          severity: 'warning',
          evidence: [],
        },
        '2026-12-06T08:00:00.000Z',
      ),
      envelope(
        'ep-1/escalated/critical',
        'AnomalyEscalated',
        { episodeId: 'ep-1', detector: 'limits', severity: 'critical', score: 0.95, evidence: [] },
        '2026-12-06T09:00:00.000Z',
      ),
    ]);
    expect(history.of('tool-1')).toEqual([
      expect.objectContaining({ kind: 'anomaly-detected', severity: 'warning' }),
      {
        kind: 'anomaly-escalated',
        episodeId: 'ep-1',
        severity: 'critical',
        at: Date.parse('2026-12-06T09:00:00.000Z'),
        eventId: 'ep-1/escalated/critical',
      },
    ]);
  });
});
