import type { EventEnvelope } from '@twinlog/domain';
import { findingOf, findingsDiffer } from './findings';

const detected = (id: string, score: number, recordedAt = '2026-12-07T00:00:00.000Z') =>
  ({
    id,
    twinId: 'cnc-1',
    type: 'AnomalyDetected',
    revision: 7,
    schemaVersion: 1,
    occurredAt: '2026-12-06T00:00:00.000Z',
    recordedAt,
    correlationId: 'c',
    causationId: 'cnc-1/t3',
    producer: 'anomaly',
    data: {
      episodeId: id,
      detector: 'limits',
      properties: ['temperature'],
      score,
      severity: 'alarm',
      evidence: [],
    },
  }) as unknown as EventEnvelope;

describe('findings of one worker and of two', () => {
  it('are identical when only the record time, the position and the key order differ', () => {
    const a = findingOf(detected('e1', 0.8));
    const b = findingOf({ ...detected('e1', 0.8, '2026-12-07T01:00:00.000Z'), revision: 99 });
    expect(findingsDiffer([a], [b])).toEqual([]);
  });

  it('name an event only one side has, one recorded differently, and a duplicate', () => {
    const one = [findingOf(detected('e1', 0.8)), findingOf(detected('e2', 0.8))];
    const two = [
      findingOf(detected('e1', 0.95)),
      findingOf(detected('e3', 0.8)),
      findingOf(detected('e3', 0.8)),
    ];
    expect(findingsDiffer(one, two)).toEqual([
      'recorded differently: AnomalyDetected e1',
      'only from one worker: AnomalyDetected e2',
      'only from two workers: AnomalyDetected e3',
      'two workers: 1 events appended twice',
    ]);
  });
});
