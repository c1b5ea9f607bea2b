import { declaredParameters } from '../model/declared-parameters';
import type { TimedValue } from '../model/physics-model';
import { cncMillingMachine } from '../models/cnc/cnc-milling-machine.model';
import { cncTwinModel, syntheticHistory, VARIED } from '../testing/cnc-fixtures';

const END = '2026-03-01T12:00:00.000Z';
const TRUTH = {
  time_constant_s: 1200,
  heat_per_kw_c: 3,
  ambient_temperature_c: 20,
  idle_power_kw: 2,
  tool_life_h: 4,
  vibration_floor_mm_s: 0.3,
  vibration_base_mm_s: 1,
  vibration_wear_gain_mm_s: 2,
};
const NOISE = { temperature: 0.2, power_consumption: 0.1, tool_wear: 0.003, vibration: 0.05 };

function timed(readings: Array<{ property: string; time: string; value: number }>): TimedValue[] {
  return readings.map((r) => ({
    property: r.property,
    t: (Date.parse(r.time) - Date.parse(END)) / 1000,
    value: r.value,
  }));
}

const declared = () => declaredParameters(cncTwinModel(), cncMillingMachine().parameters).values;

describe("calibrating the CNC model on a twin's readings", () => {
  it('recovers the parameters that generated the readings, each within its stated uncertainty', () => {
    const history = syntheticHistory({
      truth: TRUTH,
      endAt: END,
      historySeconds: 6 * 3600,
      intervalSeconds: 10,
      profile: VARIED,
      initial: { temperature: 30, tool_wear: 0.05 },
      noise: NOISE,
      seed: 7,
    });
    const outcome = cncMillingMachine().calibrate(timed(history.readings), declared());
    expect(outcome.groups.map((g) => [g.group, g.status])).toEqual([
      ['power', 'fitted'],
      ['thermal', 'fitted'],
      ['wear', 'fitted'],
      ['vibration', 'fitted'],
    ]);
    const stdErr = new Map(
      outcome.covariances.flatMap(({ names, covariance }) =>
        names.map((n, i) => [n, Math.sqrt(covariance[i]![i]!)] as const),
      ),
    );
    for (const [name, truth] of Object.entries(TRUTH)) {
      const estimate = outcome.values[name]!;
      expect({ name, within4Sigma: Math.abs(estimate - truth) <= 4 * stdErr.get(name)! }).toEqual({
        name,
        within4Sigma: true,
      });
      expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.03);
    }
    // The fit quality: residuals the size of the sensor noise, most of the variance explained.
    const thermal = outcome.groups.find((g) => g.group === 'thermal')!;
    expect(thermal.rmse).toBeGreaterThan(0.17);
    expect(thermal.rmse).toBeLessThan(0.23);
    expect(thermal.r2).toBeGreaterThan(0.99);
    expect(outcome.noise['temperature']).toBeCloseTo(0.2, 1);
    expect(outcome.hints['load_while_cutting']).toBeGreaterThan(0.3);
  });

  it('falls back to the declared defaults when the readings are too few, and says why', () => {
    const history = syntheticHistory({
      endAt: END,
      historySeconds: 60,
      intervalSeconds: 20,
      profile: VARIED.slice(1, 2),
      initial: { temperature: 40, tool_wear: 0.1 },
    });
    const outcome = cncMillingMachine().calibrate(timed(history.readings), declared());
    expect(outcome.values).toEqual({});
    expect(outcome.groups.every((g) => g.status === 'default')).toBe(true);
    expect(outcome.groups.find((g) => g.group === 'thermal')!.reason).toMatch(
      /4 temperature readings, 20 needed/,
    );
    const none = cncMillingMachine().calibrate([], declared());
    expect(none.groups.find((g) => g.group === 'thermal')!.reason).toMatch(
      /no power_consumption readings/,
    );
  });

  it('fits only what steady running determines: the heat per kW, not the time constant', () => {
    // Settled at one operating point for six hours: the level says k_h, nothing shows τ.
    const steady = 22 + 2.5 * (1.5 + 10 * 0.6);
    const history = syntheticHistory({
      endAt: END,
      historySeconds: 6 * 3600,
      intervalSeconds: 30,
      profile: [{ at: 0, speed: 8000, load: 0.6 }],
      initial: { temperature: steady, tool_wear: 0.1 },
      noise: NOISE,
      seed: 3,
    });
    const outcome = cncMillingMachine().calibrate(timed(history.readings), declared());
    const thermal = outcome.groups.find((g) => g.group === 'thermal')!;
    expect(thermal).toMatchObject({ status: 'partial', fitted: ['heat_per_kw_c'] });
    expect(thermal.reason).toMatch(/time_constant_s/);
    expect(outcome.values['heat_per_kw_c']).toBeCloseTo(2.5, 1);
    // One speed only: idle power and the cut cannot be told apart.
    expect(outcome.groups.find((g) => g.group === 'power')).toMatchObject({ status: 'default' });
  });
});
