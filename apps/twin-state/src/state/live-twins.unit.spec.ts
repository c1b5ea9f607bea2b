import { initialTwinState, type EventEnvelope } from '@twinlog/domain';
import type { EventLog, LogPosition, RecordedEvent, Snapshot } from '@twinlog/event-log';
import { LiveTwins, type LiveFollower } from './live-twins';
import { oneReplica } from '../testing/one-replica';

// The live state follows the alerts stream for the live stream only: it replays none of its
// past at start (not even from an old snapshot's position), folds none of it, snapshots none.

const snapshot = (next: LogPosition[]): Snapshot => ({
  twinId: 'mill-1',
  state: initialTwinState('mill-1'),
  next,
  takenAt: '2026-12-01T00:00:00Z',
});

function logWith(snapshots: Snapshot[]): EventLog {
  return {
    bounds: async (stream: string) =>
      stream === 'alerts'
        ? [0, 1].map((partition) => ({ stream, partition, start: 0, end: 40 + partition }))
        : [],
    snapshots: {
      async *loadAll() {
        yield* snapshots;
      },
    },
  } as unknown as EventLog;
}

describe('LiveTwins and the alerts stream', () => {
  it("restores from the alerts stream's end, whatever a snapshot says, and the rest from the snapshots", async () => {
    const log = logWith([
      snapshot([
        { stream: 'alerts', partition: 0, offset: 3 },
        { stream: 'twin-events', partition: 0, offset: 7 },
      ]),
    ]);
    const twins = new LiveTwins(log, oneReplica(log));
    const from = await twins.restore();
    expect(from).toEqual(
      expect.arrayContaining([
        { stream: 'alerts', partition: 0, offset: 40 },
        { stream: 'alerts', partition: 1, offset: 41 },
        { stream: 'twin-events', partition: 0, offset: 7 },
      ]),
    );
    expect(from).toHaveLength(3);
  });

  it('passes alert events to the live stream but folds and snapshots none', () => {
    const twins = new LiveTwins(logWith([]), oneReplica(logWith([])));
    const folded: RecordedEvent[][] = [];
    const follower: LiveFollower = { caughtUp: () => undefined, folded: (b) => folded.push(b) };
    twins.followWith(follower);
    twins.caughtUp([]);
    const alert = {
      event: {
        id: 'a1',
        twinId: '@alerting',
        type: 'AlertRuleDeleted',
        revision: 5,
        data: { ruleId: 'r' },
      } as unknown as EventEnvelope,
      position: { stream: 'alerts' as const, partition: 0, offset: 4 },
    };
    twins.apply([alert]);
    expect(folded).toEqual([[alert]]);
    expect(twins.changed.size).toBe(0);
    expect(twins.eventsSinceSnapshot).toBe(0);
    expect(twins.size).toBe(0);
    expect(twins.positions()).toEqual([{ stream: 'alerts', partition: 0, offset: 5 }]);
  });
});

describe('LiveTwins and the AI layer (issue 22)', () => {
  const base = {
    twinId: 'mill-1',
    schemaVersion: 1,
    occurredAt: '2026-12-06T10:00:00.000Z',
    recordedAt: '2026-12-06T10:00:00.000Z',
    correlationId: 'c',
    causationId: null,
    producer: 'test',
  };
  const recorded = (offset: number, event: Record<string, unknown>): RecordedEvent => ({
    event: {
      ...base,
      revision: offset + 1,
      id: `e${offset}`,
      ...event,
    } as unknown as EventEnvelope,
    position: { stream: 'twin-events', partition: 0, offset },
  });
  const registered = recorded(0, {
    type: 'TwinRegistered',
    data: {
      twinType: 'cnc-milling-machine',
      modelVersion: 1,
      level: 'asset',
      parentId: null,
      site: 'plant-a',
      name: 'Mill 1',
      limits: {},
    },
  });
  const explained = recorded(1, {
    type: 'AnomalyExplained',
    data: {
      episodeId: 'ep-1',
      anomalyEventId: 'e-det',
      summary: 'Hot.',
      likelyCauses: [],
      checkFirst: [],
      model: 'm',
      promptVersion: 'explain/1',
    },
  });
  const finding = recorded(2, {
    type: 'AiFindingRecorded',
    data: {
      source: 'ai-second-opinion',
      verdict: 'possible-anomaly',
      properties: ['temperature'],
      summary: 'Drifting.',
      window: { from: '2026-12-06T09:00:00.000Z', to: '2026-12-06T10:00:00.000Z' },
      readings: 10,
      model: 'm',
      promptVersion: 'second-opinion/1',
    },
  });

  it('folds AnomalyExplained and AiFindingRecorded without error and without changing the twin', () => {
    const plain = new LiveTwins(logWith([]), oneReplica(logWith([])));
    plain.apply([registered]);
    const withNotes = new LiveTwins(logWith([]), oneReplica(logWith([])));
    withNotes.apply([registered, explained, finding]);
    expect(withNotes.get('mill-1')).toEqual({ ...plain.get('mill-1'), revision: 3 });
    expect(withNotes.positions()).toEqual([{ stream: 'twin-events', partition: 0, offset: 3 }]);
  });
});
