import { NO_AMOUNTS } from '@twinlog/testing';
import { askedRequests, SIMULATION_LIMIT_DEFAULTS } from '@twinlog/domain';
import {
  checkAgainstModel,
  cncMillingMachine,
  parseScenario,
  type ScenarioLimits,
} from '@twinlog/physics';
import { responseFormatOf } from '@twinlog/ai';
import { splitCompare, splitRun } from '../http/request-bodies';
import { askedScenarioProblems } from './asked-scenario-check';
import {
  ASK_ANSWER,
  ASK_TASK_NAME,
  runBodyOf,
  shapeProblems,
  type AskAnswerValue,
} from './scenario-answer';

const LIMITS: ScenarioLimits = {
  maxHorizonSeconds: SIMULATION_LIMIT_DEFAULTS.maxHorizonSeconds,
  maxSteps: SIMULATION_LIMIT_DEFAULTS.maxSteps,
  maxSamples: SIMULATION_LIMIT_DEFAULTS.maxSamples,
  maxWork: SIMULATION_LIMIT_DEFAULTS.maxWork,
  defaultCalibrationWindowSeconds: 6 * 3600,
  maxCalibrationWindowSeconds: 48 * 3600,
};
const START = '2026-01-01T00:00:00.000Z';
const DECLARED = { cooling_capacity: 1, time_constant_s: 900, ambient_temperature_c: 22 };
const none = NO_AMOUNTS;
type Asked = NonNullable<AskAnswerValue['scenario']>;
const asked = (over: Partial<Asked> = {}): Asked => ({
  label: 'pump fails',
  horizon: 4 * 3600,
  step: 60,
  perturbations: [{ ...none, kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 }],
  mitigations: [],
  monteCarlo: null,
  ...over,
});
const problems = (a: Asked) =>
  askedScenarioProblems(runBodyOf('mill-1', START, a), cncMillingMachine(), LIMITS, DECLARED);

describe("the ask's answer schema", () => {
  it('is a strict JSON schema for structured outputs: every field required, optional ones nullable', () => {
    const format = responseFormatOf(ASK_TASK_NAME, ASK_ANSWER);
    expect(format.json_schema.strict).toBe(true);
    const schema = format.json_schema.schema as { required: string[]; properties: object };
    expect(schema.required.sort()).toEqual(
      ['assumptions', 'kind', 'reason', 'scenario', 'unsupported'].sort(),
    );
  });

  it('needs the scenario for kind scenario and a reason for cannot-simulate', () => {
    const base = { assumptions: [], unsupported: [], reason: null };
    expect(shapeProblems({ ...base, kind: 'scenario', scenario: null })).toEqual([
      'scenario: required when kind is "scenario"',
    ]);
    expect(shapeProblems({ ...base, kind: 'cannot-simulate', scenario: null })).toHaveLength(1);
    expect(shapeProblems({ ...base, kind: 'scenario', scenario: asked() })).toEqual([]);
  });
});

describe('runBodyOf: the answer as exactly a POST /v1/simulations body', () => {
  it('leaves the nulls out and keeps the twin, the start and the seed', () => {
    const body = runBodyOf('mill-1', '2026-01-01T00:00:00.000Z', {
      ...asked(),
      step: null,
      monteCarlo: { samples: 50, seed: 42 },
      mitigations: [{ ...none, kind: 'set', target: 'spindle_speed', at: 0, value: 3000 }],
    });
    expect(body).toEqual({
      scenario: {
        twinId: 'mill-1',
        at: '2026-01-01T00:00:00.000Z',
        label: 'pump fails',
        horizon: 14_400,
        perturbations: [{ kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 }],
        monteCarlo: { samples: 50, seed: 42 },
      },
      mitigations: [{ kind: 'set', target: 'spindle_speed', at: 0, value: 3000 }],
    });
  });
});

describe('askedRequests: the bodies that rerun an ask, as the dashboard shows them', () => {
  /** What POST /v1/simulations and /compare do with a body before they load the twin. */
  const accepted = (route: string, body: unknown) => {
    const check = (scenario: unknown) =>
      checkAgainstModel(parseScenario(scenario, LIMITS), cncMillingMachine());
    if (route === 'POST /v1/simulations') check(splitRun(body).scenario);
    else {
      const { base, alternative } = splitCompare(body);
      check(base);
      check(alternative);
    }
    return true;
  };
  const mitigated = runBodyOf('mill-1', START, {
    ...asked(),
    monteCarlo: { samples: 20, seed: 7 },
    mitigations: [{ ...none, kind: 'set', target: 'spindle_speed', at: 600, value: 3000 }],
  });

  it('is the run body alone without mitigations, each body valid for its route', () => {
    const plain = runBodyOf('mill-1', START, asked());
    const requests = askedRequests(plain);
    expect(requests).toEqual([{ route: 'POST /v1/simulations', body: plain.scenario }]);
    expect(requests.every((r) => accepted(r.route, r.body))).toBe(true);
  });

  it('adds the comparison that ran with mitigations: { twinId, at, base, alternative }, both valid', () => {
    const requests = askedRequests(mitigated);
    expect(requests.map((r) => r.route)).toEqual([
      'POST /v1/simulations',
      'POST /v1/simulations/compare',
    ]);
    const compare = requests[1]!.body;
    expect(Object.keys(compare)).toEqual(['twinId', 'at', 'base', 'alternative']);
    expect(compare).toMatchObject({
      twinId: 'mill-1',
      at: START,
      base: { label: 'pump fails', monteCarlo: { samples: 20, seed: 7 } },
      alternative: {
        label: 'pump fails with mitigations',
        perturbations: [
          { kind: 'fail', target: 'cooling_capacity' },
          { kind: 'set', target: 'spindle_speed', at: 600, value: 3000 },
        ],
      },
    });
    expect(requests.every((r) => accepted(r.route, r.body))).toBe(true);
    // What the page showed before: the scenario with its mitigations in one body, which the
    // strict scenario schema refuses.
    expect(() =>
      accepted('POST /v1/simulations', {
        ...mitigated.scenario,
        mitigations: mitigated.mitigations,
      }),
    ).toThrow(/mitigations/);
  });
});

describe('askedScenarioProblems: the validator of POST /v1/simulations, plus the bounds guard', () => {
  it('passes a scenario the simulator takes', () => {
    expect(problems(asked())).toEqual([]);
  });

  it("names unknown targets, outputs and the run's limits as the validator does", () => {
    const found = problems(
      asked({
        horizon: 20 * 365 * 86_400,
        perturbations: [
          { ...none, kind: 'set', target: 'coolant_colour', at: 0, value: 3 },
          { ...none, kind: 'set', target: 'vibration', at: 0, value: 3 },
        ],
      }),
    );
    expect(found.join('\n')).toMatch(/^horizon: .* more than the limit/m);
    expect(
      problems(
        asked({ perturbations: [{ ...none, kind: 'set', target: '__proto__', at: 0, value: 1 }] }),
      ).join('\n'),
    ).toMatch(/unknown property or parameter "__proto__"/);
    const model = problems(
      asked({
        perturbations: [
          { ...none, kind: 'set', target: 'coolant_colour', at: 0, value: 3 },
          { ...none, kind: 'set', target: 'vibration', at: 0, value: 3 },
        ],
      }),
    );
    expect(model).toEqual([
      expect.stringMatching(
        /^perturbations.0.target: unknown property or parameter "coolant_colour"/,
      ),
      expect.stringMatching(/^perturbations.1.target: vibration is computed/),
    ]);
  });

  it('refuses magnitudes beyond the model: out of range, a huge factor, a drift past the range, a parameter pushed out of its bounds', () => {
    const found = problems(
      asked({
        perturbations: [
          { ...none, kind: 'set', target: 'spindle_speed', at: 0, value: 1e9 },
          { ...none, kind: 'step', target: 'spindle_speed', at: 0, factor: 50 },
          { ...none, kind: 'ramp', target: 'temperature', at: 0, ratePerHour: 500 },
          { ...none, kind: 'step', target: 'ambient_temperature_c', at: 0, by: 200 },
        ],
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^perturbations.0.value: spindle_speed 1000000000 is outside its physical range/,
      ),
    ]);
    const guard = problems(
      asked({
        perturbations: [
          { ...none, kind: 'step', target: 'spindle_speed', at: 0, factor: 50 },
          { ...none, kind: 'ramp', target: 'temperature', at: 0, ratePerHour: 500 },
          { ...none, kind: 'step', target: 'ambient_temperature_c', at: 0, by: 90 },
        ],
      }),
    );
    expect(guard).toEqual([
      expect.stringMatching(/^perturbations.0.factor: 50 is more than a 10-fold change/),
      expect.stringMatching(
        /^perturbations.1.ratePerHour: 500 per hour for 4 h drifts temperature by 2000/,
      ),
      expect.stringMatching(
        /^perturbations.2: takes ambient_temperature_c from its declared 22 to 112, which must be at most 100$/,
      ),
    ]);
  });

  it('checks the mitigated side too (the perturbations and mitigations together)', () => {
    const found = problems(
      asked({
        mitigations: [{ ...none, kind: 'fail', target: 'temperature', at: 0, remaining: 0 }],
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(/^with mitigations: perturbations.1: temperature is a state/),
    ]);
  });
});
