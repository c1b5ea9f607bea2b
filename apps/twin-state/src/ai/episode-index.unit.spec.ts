import { initialTwinState, type EventEnvelope } from '@twinlog/domain';
import { EpisodeIndex } from './episode-index';

const T = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
let revision = 0;
function detected(twinId: string, episodeId: string, minutes: number): EventEnvelope {
  return {
    id: `${episodeId}/detected`,
    twinId,
    revision: (revision += 1),
    schemaVersion: 1,
    occurredAt: T(minutes),
    recordedAt: T(minutes),
    correlationId: 'c',
    causationId: null,
    producer: 'anomaly/worker',
    type: 'AnomalyDetected',
    data: {
      episodeId,
      detector: 'zscore',
      properties: ['temperature'],
      score: 5,
      severity: 'alarm',
      evidence: [{ property: 'temperature', observed: 90, expected: 60 }],
    },
  };
}
function cleared(twinId: string, episodeId: string, minutes: number): EventEnvelope {
  return {
    ...detected(twinId, episodeId, minutes),
    id: `${episodeId}/cleared`,
    type: 'AnomalyCleared',
    data: { episodeId, detector: 'zscore' },
  };
}

describe('EpisodeIndex', () => {
  it('finds the twin of an episode it folded, and keeps its start when detected again', () => {
    const index = new EpisodeIndex();
    index.note(detected('mill-1', 'ep-1', 0));
    index.note(detected('mill-1', 'ep-1', 5));
    index.note(cleared('mill-1', 'ep-1', 9));
    expect(index.twinOf('ep-1', () => false)).toBe('mill-1');
    expect(index.get('ep-1')).toMatchObject({ detectedAt: T(0), clearedAt: T(9) });
  });

  it('raises an open episode to the worst severity so far, never a closed one', () => {
    const index = new EpisodeIndex();
    const escalated = (episodeId: string, severity: 'alarm' | 'critical', minutes: number) =>
      ({
        ...detected('mill-1', episodeId, minutes),
        id: `${episodeId}/escalated/${severity}`,
        type: 'AnomalyEscalated',
        data: { episodeId, detector: 'zscore', severity, score: 0.95, evidence: [] },
      }) as EventEnvelope;
    index.note(detected('mill-1', 'ep-1', 0)); // alarm
    index.note(escalated('ep-1', 'critical', 1));
    index.note(escalated('ep-1', 'alarm', 2));
    expect(index.get('ep-1')?.severity).toBe('critical');
    index.note(detected('mill-1', 'ep-2', 3));
    index.note(cleared('mill-1', 'ep-2', 4));
    index.note(escalated('ep-2', 'critical', 5));
    expect(index.get('ep-2')?.severity).toBe('alarm');
  });

  it("a clearing from another twin does not close someone else's episode", () => {
    const index = new EpisodeIndex();
    index.note(detected('mill-1', 'ep-1', 0));
    index.note(cleared('mill-2', 'ep-1', 3));
    expect(index.get('ep-1')?.clearedAt).toBeNull();
  });

  it('guesses the twin from the id the workers make (longest known prefix), and nothing for Object built-in names', () => {
    const index = new EpisodeIndex();
    const known = new Set(['line:1', 'line:1:mill']);
    const exists = (id: string) => known.has(id);
    expect(index.twinOf('line:1:mill:temperature:zscore:r-9', exists)).toBe('line:1:mill');
    expect(index.twinOf('line:1:temperature:zscore:r-9', exists)).toBe('line:1');
    expect(index.twinOf('__proto__', exists)).toBeUndefined();
    expect(index.twinOf('constructor:x', exists)).toBeUndefined();
    expect(index.twinOf(':', exists)).toBeUndefined();
  });

  it('is seeded with the open episodes of restored states', () => {
    const index = new EpisodeIndex();
    const state = initialTwinState('mill-3');
    state.activeAnomalies = {
      'ep-open': {
        episodeId: 'ep-open',
        detector: 'zscore',
        properties: ['temperature'],
        score: 4,
        severity: 'warning',
        evidence: [],
        since: T(1),
      },
    };
    index.seed([state]);
    expect(index.get('ep-open')).toMatchObject({ twinId: 'mill-3', detectedAt: T(1) });
  });

  it('lists the episodes of the given twins open near a time, newest first, bounded', () => {
    const index = new EpisodeIndex();
    index.note(detected('parent', 'p-1', 0));
    index.note(cleared('parent', 'p-1', 10));
    index.note(detected('sibling', 's-1', 30));
    index.note(detected('sibling', 's-old', -500));
    index.note(cleared('sibling', 's-old', -400));
    index.note(detected('stranger', 'x-1', 20));
    const near = index.near(new Set(['parent', 'sibling']), T(20), 60 * 60_000, 10);
    expect(near.map((e) => e.episodeId)).toEqual(['s-1', 'p-1']);
    expect(index.near(new Set(['parent', 'sibling']), T(20), 60 * 60_000, 1)).toHaveLength(1);
  });

  it('forgets the oldest episode beyond its bound', () => {
    const index = new EpisodeIndex(2);
    index.note(detected('a', 'e-1', 0));
    index.note(detected('a', 'e-2', 1));
    index.note(detected('a', 'e-3', 2));
    expect(index.size).toBe(2);
    expect(index.get('e-1')).toBeUndefined();
    expect(index.get('e-3')?.twinId).toBe('a');
  });
});
