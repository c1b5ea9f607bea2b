import type { ScenarioAsk } from '../../api/scenario-ask';
import { changeFromBody, durationOf, scenarioFromAsk } from './ask-scenario';
import { DEFAULT_SCENARIO } from './scenario';
import { compareRequest, validateScenario } from './scenario-request';

const ask = (over: Partial<ScenarioAsk> = {}): ScenarioAsk => ({
  text: 'what if the coolant pump fails?',
  scenario: {
    twinId: 'mill-1',
    at: '2026-01-01T00:00:00.000Z',
    label: 'pump fails',
    horizon: 7200,
    step: 60,
    perturbations: [
      { kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0 },
      { kind: 'ramp', target: 'temperature', at: 0, ratePerHour: 2 },
      { kind: 'step', target: 'spindle_speed', at: 1800, factor: 1.2 },
      { kind: 'set', target: 'spindle_speed', at: 3600, until: 5400, value: 3000 },
      { kind: 'step', target: 'tool_wear', at: 0, by: -0.5 },
    ],
    monteCarlo: { samples: 50, seed: 42 },
  },
  mitigations: [],
  assumptions: [],
  model: 'm',
  cached: false,
  ...over,
});

describe("the what-if form from an ask's scenario", () => {
  it('writes times as the form does', () => {
    expect([7200, 60, 90, 86_400, 45, 0].map(durationOf)).toEqual([
      '2h',
      '1m',
      '90s',
      '1d',
      '45s',
      '0s',
    ]);
  });

  it('fills every field, and the form sends back the same perturbations (editable, rerunnable)', () => {
    const form = scenarioFromAsk(ask(), { ...DEFAULT_SCENARIO, twin: 'other', property: 'x' });
    expect(form).toMatchObject({
      twin: 'mill-1',
      horizon: '2h',
      step: '1m',
      samples: 50,
      seed: 42,
      mitigations: [],
      property: '',
    });
    expect(form.perturbations.map((c) => c.amount)).toEqual(['0', '+2/h', 'x1.2', '3000', '-0.5']);
    expect(validateScenario(form, undefined)).toEqual([]);
    const request = compareRequest(form) as {
      alternative: { horizon: number; step: number; perturbations: unknown[]; monteCarlo: unknown };
    };
    expect(request.alternative).toMatchObject({
      horizon: 7200,
      step: 60,
      monteCarlo: { samples: 50, seed: 42 },
      perturbations: ask().scenario.perturbations,
    });
  });

  it('puts the mitigations in their list, and no samples when the ask had none', () => {
    const { monteCarlo: _m, ...scenario } = ask().scenario;
    const form = scenarioFromAsk(
      ask({
        scenario,
        mitigations: [{ kind: 'set', target: 'spindle_speed', at: 0, value: 3000 }],
      }),
      { ...DEFAULT_SCENARIO, twin: 'mill-1' },
    );
    expect(form.samples).toBe(0);
    expect(form.mitigations).toEqual([
      { kind: 'set', target: 'spindle_speed', amount: '3000', at: '0', until: '' },
    ]);
  });

  it('drops what is not a change the form knows', () => {
    expect(changeFromBody({ kind: 'explode', target: 'x' })).toBeUndefined();
    expect(changeFromBody({ kind: 'set' })).toBeUndefined();
  });
});
