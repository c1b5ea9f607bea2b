import { ModelCatalog } from '../model/model-catalog';
import { parseTwinModel } from '../model/parse-twin-model';
import { initialTwinState, type TwinState } from '../twin/twin-state';
import { bandOf, twinHealth } from './health';
import { rollUp } from './roll-up';
import { diffStates } from './state-diff';

const limits = {
  normal: { low: 15, high: 65 },
  warning: { high: 75 },
  alarm: { high: 85 },
  failure: { high: 95 },
};

describe('health bands', () => {
  it.each([
    [40, 'normal'],
    [70, 'warning'], // outside normal, below the warning limit
    [75, 'warning'],
    [85, 'alarm'],
    [99, 'failure'],
    [10, 'warning'],
  ])('puts %d in %s', (value, band) => {
    expect(bandOf(value, limits)).toBe(band);
  });

  it('judges lower-is-worse limits from below', () => {
    expect(bandOf(9, { normal: { low: 20 }, warning: { low: 10 } })).toBe('warning');
    expect(bandOf(25, { normal: { low: 20 }, warning: { low: 10 } })).toBe('normal');
  });
});

const catalog = ModelCatalog.of(
  [
    `type: line
version: 1
level: system
children: [{ type: machine }]`,
    `type: machine
version: 1
level: asset
properties:
  temperature: { unit: °C, limits: { normal: { high: 65 }, alarm: { high: 85 } } }
  power: { unit: kW, rollup: sum }`,
  ].map((text, i) => ({ model: parseTwinModel(text, `m${i}.yaml`), source: `m${i}.yaml` })),
);

function machine(
  twinId: string,
  temperature: number,
  power: number,
  status: TwinState['status'] = 'active',
): TwinState {
  const reading = (value: number, unit: string) => ({
    value,
    unit,
    occurredAt: '2026-01-01T00:00:00.000Z',
    readingId: `${twinId}-r`,
    eventId: 'e',
    revision: 1,
  });
  return {
    ...initialTwinState(twinId),
    status,
    twinType: 'machine',
    modelVersion: 1,
    level: 'asset',
    limits: { temperature: { normal: { high: 65 }, alarm: { high: 85 } } },
    reported: { temperature: reading(temperature, '°C'), power: reading(power, 'kW') },
  };
}

describe('hierarchy roll-up', () => {
  const line: TwinState = {
    ...initialTwinState('line-1'),
    status: 'active',
    twinType: 'line',
    modelVersion: 1,
    level: 'system',
    children: ['m-1', 'm-2', 'm-3', 'm-4'].map((twinId) => ({ twinId, twinType: 'machine' })),
  };
  const states: Record<string, TwinState> = {
    'm-1': machine('m-1', 40, 5),
    'm-2': machine('m-2', 90, 7.5),
    'm-3': machine('m-3', 70, 2),
    'm-4': machine('m-4', 99, 100, 'retired'),
  };

  it("shows the children's worst status, the least healthy machine and the line's total power", () => {
    const r = rollUp(line, (id) => states[id], catalog);
    expect(r.ownStatus).toBe('unknown');
    expect(r.worstStatus).toBe('alarm');
    expect(r.leastHealthy).toEqual({ twinId: 'm-2', twinType: 'machine', status: 'alarm' });
    expect(r.aggregates['power']).toEqual({ rule: 'sum', unit: 'kW', value: 14.5, count: 3 });
    expect(r.children.map((c) => [c.twinId, c.status])).toEqual([
      ['m-1', 'normal'],
      ['m-2', 'alarm'],
      ['m-3', 'warning'],
    ]);
    expect(r.retired).toEqual(['m-4']);
  });

  it('counts an active anomaly in a twin’s health', () => {
    const calm = machine('m-5', 40, 1);
    const anomalous: TwinState = {
      ...calm,
      activeAnomalies: {
        a: {
          episodeId: 'a',
          detector: 'ewma',
          properties: ['temperature'],
          score: 9,
          severity: 'critical',
          evidence: [],
          since: '2026-01-01T00:00:00.000Z',
        },
      },
    };
    expect(twinHealth(calm).status).toBe('normal');
    expect(twinHealth(anomalous).status).toBe('failure');
  });
});

describe('diff of two states', () => {
  it('lists changed values, limits and status, not bookkeeping', () => {
    const before = machine('m-1', 40, 5);
    const after: TwinState = {
      ...machine('m-1', 41, 5),
      revision: 9,
      status: 'retired',
      limits: { ...before.limits, power: { normal: { high: 10 } } },
    };
    const changes = diffStates(before, after);
    expect(changes.map((c) => c.path)).toEqual(['limits.power', 'reported.temperature', 'status']);
    expect(changes[1]).toMatchObject({ before: { value: 40 }, after: { value: 41 } });
    expect(diffStates(before, machine('m-1', 40, 5))).toEqual([]);
  });
});
