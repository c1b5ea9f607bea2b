import { initialTwinState, type MaintenancePrediction, type TwinState } from '@twinlog/domain';
import fc from 'fast-check';
import { rollUpMaintenance } from './roll-up-maintenance';

const prediction = (
  healthIndex: number,
  rulLowHours: number,
  priority: MaintenancePrediction['priority'],
  action: string,
) => ({
  healthIndex,
  rulHours: rulLowHours * 2,
  rulLowHours,
  rulHighHours: rulLowHours * 3,
  basis: 'x',
  model: 'exponential-degradation',
  priority,
  window: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
  action,
  beyondHorizon: false,
  predictedAt: '2026-01-01T00:00:00.000Z',
  eventId: 'e',
});

function twin(
  twinId: string,
  level: TwinState['level'],
  children: string[],
  p?: ReturnType<typeof prediction>,
  status: TwinState['status'] = 'active',
): TwinState {
  return {
    ...initialTwinState(twinId),
    twinType: `${level}-type`,
    level,
    status,
    children: children.map((c) => ({ twinId: c, twinType: 'x' })),
    maintenancePrediction: p ?? null,
  };
}

describe('maintenance roll-up', () => {
  it('gives a line its weakest health, its most urgent priority and the component to fail first', () => {
    const states = new Map(
      [
        twin('line', 'system', ['mill-a', 'mill-b']),
        twin('mill-a', 'asset', ['tool-a'], prediction(90, 500, 'low', 'spindle service')),
        twin('tool-a', 'component', [], prediction(40, 2, 'high', 'replace cutting tool')),
        twin('mill-b', 'asset', ['spindle-b', 'old-b']),
        twin(
          'spindle-b',
          'component',
          [],
          prediction(70, 30, 'medium', 'replace spindle bearings'),
        ),
        twin('old-b', 'component', [], prediction(0, 0, 'critical', 'x'), 'retired'),
      ].map((s) => [s.twinId, s]),
    );
    const rollUp = rollUpMaintenance(states.get('line')!, (id) => states.get(id));
    expect(rollUp).toMatchObject({
      healthIndex: 40,
      worstPriority: 'high',
      firstToFail: { twinId: 'tool-a', rulLowHours: 2, action: 'replace cutting tool' },
      predicted: 3,
    });
    expect(rollUp.children).toEqual([
      expect.objectContaining({ twinId: 'mill-a', healthIndex: 90, subtreeHealthIndex: 40 }),
      expect.objectContaining({ twinId: 'mill-b', healthIndex: null, subtreeHealthIndex: 70 }),
    ]);
  });
});

const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
const node = fc.record({
  prediction: fc.option(
    fc.record({
      health: fc.integer({ min: 0, max: 100 }),
      rulLow: fc.integer({ min: 0, max: 9000 }),
      priority: fc.constantFrom(...PRIORITIES),
      beyond: fc.boolean(),
    }),
    { nil: undefined },
  ),
  retired: fc.boolean(),
  parent: fc.nat(),
});

describe('maintenance roll-up (property)', () => {
  it('never shows a parent healthier, calmer or later to fail than any active twin below it', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 12 }), (nodes) => {
        // Twin i hangs under an earlier twin: a tree rooted at 0.
        const ids = nodes.map((_, i) => `t${i}`);
        const children = ids.map(() => [] as string[]);
        nodes.forEach((n, i) => i > 0 && children[n.parent % i]!.push(ids[i]!));
        const states = new Map(
          nodes.map((n, i) => {
            const p = n.prediction && {
              ...prediction(n.prediction.health, n.prediction.rulLow, n.prediction.priority, 'a'),
              beyondHorizon: n.prediction.beyond,
            };
            const state = twin(ids[i]!, 'asset', children[i]!, p, i > 0 && n.retired ? 'retired' : 'active');
            return [ids[i]!, state];
          }),
        );
        const rollUp = rollUpMaintenance(states.get('t0')!, (id) => states.get(id));
        // The active twins below the root, through active parents only.
        const active: TwinState[] = [];
        const walk = (id: string) => {
          const s = states.get(id)!;
          if (s.status !== 'active') return;
          active.push(s);
          s.children.forEach((c) => walk(c.twinId));
        };
        walk('t0');
        const predicted = active.flatMap((s) => (s.maintenancePrediction ? [s.maintenancePrediction] : []));
        expect(rollUp.predicted).toBe(predicted.length);
        for (const p of predicted) {
          expect(rollUp.healthIndex).toBeLessThanOrEqual(p.healthIndex);
          expect(PRIORITIES.indexOf(rollUp.worstPriority!)).toBeGreaterThanOrEqual(PRIORITIES.indexOf(p.priority));
          if (!p.beyondHorizon) expect(rollUp.firstToFail!.rulLowHours).toBeLessThanOrEqual(p.rulLowHours);
        }
        for (const child of rollUp.children) {
          if (child.healthIndex !== null) expect(child.subtreeHealthIndex!).toBeLessThanOrEqual(child.healthIndex);
        }
      }),
      { numRuns: 500 },
    );
  });
});
