import { initialTwinState, type MaintenancePrediction, type TwinState } from '@twinlog/domain';
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
