import type { EventEnvelope } from '@twinlog/domain';
import { anomalyEvent } from './anomaly-events';

const cause = { id: 'readings-9', correlationId: 'corr-9' } as EventEnvelope;

describe('the event of an episode raised', () => {
  it('is AnomalyEscalated, its id fixed by the episode and the severity reached (a replay dedupes)', () => {
    const change = {
      kind: 'escalated' as const,
      episodeId: 'tool-1:tool_wear:limits:r-3',
      detector: 'limits',
      property: 'tool_wear',
      score: 0.95,
      severity: 'critical' as const,
      evidence: [{ property: 'tool_wear', observed: 0.45, expectedHigh: 0.2 }],
      at: Date.parse('2026-12-06T10:00:00.000Z'),
    };
    const event = anomalyEvent('tool-1', change, cause, '2026-12-06T10:00:01.000Z');
    expect(event).toMatchObject({
      id: 'tool-1:tool_wear:limits:r-3/escalated/critical',
      type: 'AnomalyEscalated',
      occurredAt: '2026-12-06T10:00:00.000Z',
      causationId: 'readings-9',
      data: {
        episodeId: change.episodeId,
        detector: 'limits',
        severity: 'critical',
        score: 0.95,
        evidence: change.evidence,
      },
    });
    expect(anomalyEvent('tool-1', { ...change, at: change.at + 1 }, cause, 'x').id).toBe(event.id);
    expect(anomalyEvent('tool-1', { ...change, severity: 'alarm' }, cause, 'x').id).not.toBe(
      event.id,
    );
  });
});
