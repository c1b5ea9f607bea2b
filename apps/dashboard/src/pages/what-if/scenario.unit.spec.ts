import { PERTURBATION_KINDS } from '@twinlog/domain';
import type { PhysicsModel } from '../../api/simulation-types';
import {
  changeOf,
  changeText,
  CHANGE_KINDS,
  DEFAULT_SCENARIO,
  parseDuration,
  scenarioFromQuery,
  scenarioToQuery,
  type Scenario,
} from './scenario';
import { compareRequest, validateScenario } from './scenario-request';
import { hrefOf, placeOf } from '../../router/url-state';

const MILL: PhysicsModel = {
  twinType: 'cnc-milling-machine',
  description: 'mill',
  states: ['temperature', 'tool_wear'],
  inputs: ['spindle_speed'],
  outputs: ['power_consumption', 'vibration'],
  parameters: [
    { name: 'cooling_capacity', unit: '1', description: '', min: 0, max: 10, declared: 1 },
    { name: 'time_constant_s', unit: 's', description: '', positive: true, declared: 900 },
    { name: 'spindle_load', unit: '1', description: '', derived: true, declared: null },
  ],
};

const scenario = (over: Partial<Scenario> = {}): Scenario => ({
  ...DEFAULT_SCENARIO,
  twin: 'mill-1',
  ...over,
});
const change = (text: string) => changeOf(text)!;

describe('what-if scenario', () => {
  it('reads durations as the service does, and refuses what it would not', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('1h30m')).toBe(5_400);
    expect(parseDuration('1d')).toBe(86_400);
    for (const bad of ['', 'h', '2x', '-5', '1h-2m', 'NaN', 'constructor'])
      expect(parseDuration(bad)).toBeUndefined();
  });

  it('goes through the URL and back unchanged, perturbations and mitigations included', () => {
    const s = scenario({
      horizon: '12h',
      step: '1m',
      samples: 500,
      seed: 42,
      perturbations: [
        change('fail cooling_capacity 10% at 0 until 2h'),
        change('ramp temperature +2/h'),
      ],
      mitigations: [change('set spindle_speed 5000 at 1h')],
      property: 'temperature',
    });
    const href = hrefOf('/what-if', scenarioToQuery(s));
    const url = new URL(href, 'http://x');
    expect(scenarioFromQuery(placeOf(url.pathname, url.search).query)).toEqual(s);
    expect(changeText(s.perturbations[0]!)).toBe('fail cooling_capacity 10% at 0 until 2h');
  });

  it('takes the defaults for what a hand-edited link lacks or garbles', () => {
    const q = Object.assign(Object.create(null) as Record<string, string>, {
      twin: 'mill-1',
      samples: '1e9',
      seed: 'x',
      p: 'explode temperature;set;fail cooling_capacity 0 at 1h extra words',
    });
    const s = scenarioFromQuery(q);
    expect(s.samples).toBe(DEFAULT_SCENARIO.samples);
    expect(s.seed).toBe(DEFAULT_SCENARIO.seed);
    expect(s.perturbations).toEqual([]);
    expect(scenarioFromQuery(Object.create(null) as Record<string, string>).twin).toBe('');
    // An Object built-in name is a key like any other, not a prototype's member.
    expect(scenarioFromQuery({ constructor: 'x' } as unknown as Record<string, string>).twin).toBe(
      '',
    );
  });

  it("checks changes against the twin type's real model", () => {
    const fields = (s: Scenario) => validateScenario(s, MILL).map((p) => p.field);
    expect(fields(scenario({ perturbations: [change('fail cooling_capacity 10%')] }))).toEqual([]);
    expect(fields(scenario({ perturbations: [change('set vibration 3')] }))).toEqual([
      'p.0.target',
    ]);
    expect(fields(scenario({ perturbations: [change('set __proto__ 3')] }))).toEqual([
      'p.0.target',
    ]);
    expect(fields(scenario({ perturbations: [change('fail temperature 0')] }))).toEqual([
      'p.0.kind',
    ]);
    expect(fields(scenario({ mitigations: [change('set cooling_capacity 11')] }))).toEqual([
      'm.0.amount',
    ]);
    expect(fields(scenario({ perturbations: [change('set time_constant_s 0')] }))).toEqual([
      'p.0.amount',
    ]);
    expect(fields(scenario({ perturbations: [change('step spindle_speed lots')] }))).toEqual([
      'p.0.amount',
    ]);
    expect(fields(scenario({ perturbations: [change('fail cooling_capacity 150%')] }))).toEqual([
      'p.0.amount',
    ]);
    expect(fields(scenario({ perturbations: [change('ramp temperature 2 at 25h')] }))).toEqual([
      'p.0.amount',
    ]);
    expect(
      fields(scenario({ perturbations: [change('ramp temperature 2 at 2h until 1h')] })),
    ).toEqual(['p.0.amount']);
    expect(fields(scenario({ perturbations: [change('set tool_wear NaN')] }))).toEqual([
      'p.0.amount',
    ]);
  });

  it('keeps the run within the service limits', () => {
    const fields = (s: Scenario) => validateScenario(s, MILL).map((p) => p.field);
    expect(fields(scenario({ horizon: '0' }))).toEqual(['horizon']);
    expect(fields(scenario({ horizon: '3651d' }))).toEqual(['horizon']);
    expect(fields(scenario({ horizon: '2d', step: '1s' }))).toEqual(['step']);
    expect(fields(scenario({ samples: 10_001 }))).toEqual(['samples']);
    expect(fields(scenario({ samples: -1 }))).toEqual(['samples']);
    expect(fields(scenario({ horizon: '1d', step: '1s', samples: 100 }))).toEqual(['samples']);
    expect(fields(scenario({ horizon: '1d', step: '1m', samples: 3_000 }))).toEqual([]);
    expect(fields(scenario({ seed: -1 }))).toEqual(['seed']);
    expect(fields(scenario({ seed: 2 ** 32 }))).toEqual(['seed']);
    const many = Array.from({ length: 26 }, () => change('ramp temperature 1'));
    expect(fields(scenario({ perturbations: many, mitigations: many }))).toEqual(['changes']);
  });

  it('compares with the twin left alone, or without the mitigations when there are some', () => {
    const fail = change('fail cooling_capacity 10% at 0');
    const slow = change('step spindle_speed -20% at 1h');
    const plain = compareRequest(scenario({ perturbations: [fail] })) as {
      base: { perturbations: unknown[] };
      alternative: { perturbations: unknown[]; monteCarlo: unknown; horizon: number };
    };
    expect(plain.base.perturbations).toEqual([]);
    expect(plain.alternative.perturbations).toEqual([
      { kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 },
    ]);
    expect(plain.alternative.horizon).toBe(86_400);
    expect(plain.alternative.monteCarlo).toEqual({ samples: 200, seed: 7 });
    const mitigated = compareRequest(
      scenario({ perturbations: [fail], mitigations: [slow] }),
    ) as typeof plain;
    expect(mitigated.base.perturbations).toHaveLength(1);
    expect(mitigated.alternative.perturbations).toEqual([
      { kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 },
      { kind: 'step', target: 'spindle_speed', at: 3_600, percent: -20 },
    ]);
    const none = compareRequest(scenario({ samples: 0 })) as {
      alternative: Record<string, unknown>;
    };
    expect(none.alternative.monteCarlo).toBeUndefined();
  });
});

describe("the form's change kinds", () => {
  it('are the kinds the simulation service accepts (libs/domain), in the form’s order', () => {
    expect([...CHANGE_KINDS].sort()).toEqual([...PERTURBATION_KINDS].sort());
  });
});
