import { isTwinlogError } from '@twinlog/domain';
import { declaredParameters } from '../model/declared-parameters';
import { cncMillingMachine } from '../models/cnc/cnc-milling-machine.model';
import { cncTwinModel } from '../testing/cnc-fixtures';
import { physicsModelFor } from '../models/physics-models';
import { checkAgainstModel } from './check-against-model';
import { formatDuration, parseDuration } from './durations';
import { parsePerturbationText } from './perturbation-text';
import { parseScenario } from './scenario';

const LIMITS = {
  maxHorizonSeconds: 3650 * 86_400,
  maxSteps: 10_000,
  maxSamples: 2_000,
  maxWork: 1_000_000,
  defaultCalibrationWindowSeconds: 21_600,
  maxCalibrationWindowSeconds: 86_400,
};

function problemsOf(input: unknown, model = cncMillingMachine()): string[] {
  try {
    checkAgainstModel(parseScenario(input, LIMITS), model);
    return [];
  } catch (error) {
    if (!isTwinlogError(error, 'SCENARIO_INVALID')) throw error;
    return error.details['problems'] as string[];
  }
}

describe('scenarios', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('T+2h')).toBe(7200);
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('1d')).toBe(86_400);
    expect(parseDuration('NaN')).toBeNaN();
    expect(parseDuration(Number.NaN)).toBeNaN();
    expect(parseDuration('2 hours')).toBeNaN();
    expect(formatDuration(12_030)).toBe('3 h 20 min');
  });

  it('normalises a valid scenario: durations in seconds, percent as a factor, fail leaves 0 by default', () => {
    const scenario = parseScenario(
      {
        horizon: '24h',
        perturbations: [
          { kind: 'fail', target: 'cooling_capacity' },
          { kind: 'step', target: 'spindle_speed', at: '1h', percent: 20 },
          { kind: 'ramp', target: 'temperature', at: '30m', until: '2h', ratePerHour: 2 },
        ],
        monteCarlo: { samples: 100 },
      },
      LIMITS,
    );
    expect(scenario).toMatchObject({
      horizonSeconds: 86_400,
      stepSeconds: 60,
      calibrationWindowSeconds: 21_600,
      monteCarlo: { samples: 100, seed: 1 },
      perturbations: [
        { kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0 },
        { kind: 'step', target: 'spindle_speed', at: 3600, factor: 1.2 },
        { kind: 'ramp', target: 'temperature', at: 1800, until: 7200, ratePerHour: 2 },
      ],
    });
  });

  it.each<[string, unknown, RegExp]>([
    [
      'an unknown property',
      { horizon: '1h', perturbations: [{ kind: 'set', target: 'colour', value: 1 }] },
      /unknown property or parameter "colour"/,
    ],
    [
      'a computed output',
      { horizon: '1h', perturbations: [{ kind: 'set', target: 'power_consumption', value: 9 }] },
      /power_consumption is computed by the cnc-milling-machine model/,
    ],
    ['a negative horizon', { horizon: -5 }, /horizon: must be positive/],
    ['a NaN horizon', { horizon: 'NaN' }, /horizon: "NaN" is not a duration/],
    [
      'a non-finite number',
      { horizon: '1h', perturbations: [{ kind: 'set', target: 'spindle_speed', value: Infinity }] },
      /perturbations\.0\.value: .*Infinity/,
    ],
    [
      'too many steps',
      { horizon: '30d', step: '1s' },
      /2592000 steps, more than the limit of 10000/,
    ],
    ['a step longer than the horizon', { horizon: '1h', step: '2h' }, /longer than the horizon/],
    [
      'too many samples',
      { horizon: '1h', monteCarlo: { samples: 5000 } },
      /more than the limit of 2000/,
    ],
    [
      'too much work',
      { horizon: '1d', step: '1m', monteCarlo: { samples: 1000 } },
      /1000 samples × 1441 points/,
    ],
    [
      'a perturbation after the horizon',
      { horizon: '1h', perturbations: [{ kind: 'fail', target: 'cooling_capacity', at: '2h' }] },
      /outside the run/,
    ],
    [
      'an amount of the wrong kind',
      { horizon: '1h', perturbations: [{ kind: 'ramp', target: 'temperature', value: 3 }] },
      /ramp takes ratePerHour, not value/,
    ],
    [
      'a step with two amounts',
      {
        horizon: '1h',
        perturbations: [{ kind: 'step', target: 'spindle_speed', by: 5, percent: 5 }],
      },
      /exactly one of by, factor or percent/,
    ],
    [
      'a state that "fails"',
      { horizon: '1h', perturbations: [{ kind: 'fail', target: 'temperature' }] },
      /fail applies to inputs and parameters/,
    ],
    [
      'a parameter outside its range',
      { horizon: '1h', perturbations: [{ kind: 'set', target: 'time_constant_s', value: 0 }] },
      /time_constant_s must be greater than 0/,
    ],
    ['an unknown field', { horizon: '1h', colour: 'red' }, /Unrecognized key/],
    ['a missing horizon', {}, /horizon/],
  ])('refuses %s with SCENARIO_INVALID naming the field', (_, input, message) => {
    expect(problemsOf(input).join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ horizon: 'soon', step: -1, calibrationWindow: '9d' })).toHaveLength(3);
  });

  it('reads perturbations written the way people say them', () => {
    expect(parsePerturbationText('fail cooling_capacity 10% at 0')).toEqual({
      kind: 'fail',
      target: 'cooling_capacity',
      at: '0',
      remaining: 0.1,
    });
    expect(parsePerturbationText('ramp temperature +2/h at 30m until 4h')).toEqual({
      kind: 'ramp',
      target: 'temperature',
      at: '30m',
      until: '4h',
      ratePerHour: 2,
    });
    expect(parsePerturbationText('step spindle_speed +20% at 1h')).toMatchObject({ percent: 20 });
    expect(parsePerturbationText('step spindle_speed -500')).toMatchObject({ by: -500 });
    expect(parsePerturbationText('step spindle_load x1.3')).toMatchObject({ factor: 1.3 });
    expect(parsePerturbationText('set spindle_speed 6000 at 2h')).toMatchObject({ value: 6000 });
    expect(() => parsePerturbationText('explode spindle')).toThrow(
      /start with set, step, ramp or fail/,
    );
    expect(() => parsePerturbationText('ramp temperature fast')).toThrow(/not a rate/);
  });

  it('refuses a model file whose physics is missing or out of range, naming the path', () => {
    const model = cncTwinModel({ heat_per_kw_c: -1 });
    delete model.properties['tool_wear']!.physics!['tool_life_h'];
    expect(() => declaredParameters(model, cncMillingMachine().parameters)).toThrow(
      expect.objectContaining({
        code: 'MODEL_INVALID',
        details: {
          problems: [
            'physics.heat_per_kw_c = -1: must be at least 0',
            expect.stringMatching(/^properties\.tool_wear\.physics\.tool_life_h is missing/),
          ],
        },
      }),
    );
  });

  it('knows which twin types it can simulate', () => {
    expect(() => physicsModelFor('coolant-pump')).toThrow(
      expect.objectContaining({ code: 'PHYSICS_MODEL_MISSING' }),
    );
  });
});
