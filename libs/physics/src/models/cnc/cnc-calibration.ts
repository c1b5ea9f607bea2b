import { fitGroup, type GroupFit } from '../../calibrate/fit-group';
import { heldAt, indicesIn, seriesOf, unionTimes, type Series } from '../../calibrate/series';
import type { CalibrationOutcome, TimedValue } from '../../model/physics-model';
import { cncSpec, REST_RATIO } from './cnc-parameters';

/**
 * Calibrates the CNC model group by group, each driven by the measured inputs (speed, power),
 * in dependency order: power (idle power) → thermal (time constant, heat per kW, ambient) →
 * wear (tool life) → vibration (floor, base, wear gain). A later group uses the earlier ones'
 * estimates. Cooling is assumed nominal (capacity as declared) during the window: capacity is
 * the reference the other coefficients are relative to.
 */
export function calibrateCnc(
  readings: TimedValue[],
  declared: Record<string, number>,
): CalibrationOutcome {
  const p = { ...declared };
  const speed = seriesOf(readings, 'spindle_speed');
  const power = seriesOf(readings, 'power_consumption');
  const fits: GroupFit[] = [];
  const take = (fit: GroupFit) => {
    fits.push(fit);
    Object.assign(p, fit.values);
  };
  take(fitPower(power, speed, p));
  take(fitThermal(seriesOf(readings, 'temperature'), power, p));
  take(fitWear(seriesOf(readings, 'tool_wear'), speed, power, p));
  take(fitVibration(seriesOf(readings, 'vibration'), speed, seriesOf(readings, 'tool_wear'), p));
  const hints: Record<string, number> = {};
  const load = loadWhileCutting(power, speed, p);
  if (load !== null) hints['load_while_cutting'] = load;
  return {
    groups: fits.map((f) => f.report),
    values: Object.assign({}, ...fits.map((f) => f.values)) as Record<string, number>,
    covariances: fits.flatMap((f) => (f.covariance ? [f.covariance] : [])),
    noise: Object.fromEntries(
      fits.filter((f) => f.noise !== null).map((f) => [f.report.target, f.noise!]),
    ),
    hints,
  };
}

/**
 * Idle power from the readings taken with the spindle at rest (P = idle there). While it cuts,
 * power also depends on the load, which no sensor measures, so those readings cannot separate
 * idle power from the cut (they give the load instead: see loadWhileCutting).
 */
function fitPower(power: Series, speed: Series, p: Record<string, number>): GroupFit {
  const r = ratio(heldAt(speed, power.t), p);
  const atRest = power.v.filter((_, i) => r[i]! <= REST_RATIO);
  return fitGroup(
    'power',
    'power_consumption',
    atRest,
    [
      {
        fitted: [cncSpec('idle_power_kw')],
        nuisance: [],
        start: [p['idle_power_kw']!],
        predict: ([idle], out) => out.fill(idle!),
      },
    ],
    speed.t.length === 0
      ? 'no spindle_speed readings to tell idle from cutting'
      : atRest.length === 0 && power.t.length > 0
        ? 'the spindle never stopped in the window: idle power cannot be told from the cut'
        : null,
  );
}

/**
 * Exact zero-order-hold solution of the first-order thermal model between readings, driven by
 * the measured power: T ← T_ss + (T − T_ss)·exp(−Δt·c/τ), T_ss = T_amb + k_h·P/c.
 */
function fitThermal(temperature: Series, power: Series, p: Record<string, number>): GroupFit {
  const grid =
    temperature.t.length > 0
      ? unionTimes(temperature, power).filter((t) => t >= temperature.t[0]!)
      : new Float64Array(0);
  const held = heldAt(power, grid);
  const observedAt = indicesIn(grid, temperature.t);
  const cooling = p['cooling_capacity']!;
  const simulate = (tau: number, heat: number, ambient: number, t0: number, out: Float64Array) => {
    let x = t0;
    let next = 0;
    for (let i = 0; i < grid.length; i++) {
      if (i > 0) {
        const dt = grid[i]! - grid[i - 1]!;
        const steady = cooling > 0 ? ambient + (heat * held[i - 1]!) / cooling : Number.NaN;
        x =
          cooling > 0
            ? steady + (x - steady) * Math.exp((-dt * cooling) / tau)
            : x + (dt * heat * held[i - 1]!) / tau;
      }
      while (next < observedAt.length && observedAt[next] === i) out[next++] = x;
    }
  };
  const t0 = { name: 'initial_temperature', start: temperature.v[0] ?? 0, scale: 10 };
  const {
    time_constant_s: tau,
    heat_per_kw_c: heat,
    ambient_temperature_c: ambient,
  } = p as Record<string, number>;
  return fitGroup(
    'thermal',
    'temperature',
    temperature.v,
    [
      {
        fitted: [
          cncSpec('time_constant_s'),
          cncSpec('heat_per_kw_c'),
          cncSpec('ambient_temperature_c'),
        ],
        nuisance: [t0],
        start: [tau!, heat!, ambient!],
        predict: ([a, b, c, d], out) => simulate(a!, b!, c!, d!, out),
      },
      {
        fitted: [cncSpec('time_constant_s'), cncSpec('heat_per_kw_c')],
        nuisance: [t0],
        start: [tau!, heat!],
        predict: ([a, b, d], out) => simulate(a!, b!, ambient!, d!, out),
      },
      {
        fitted: [cncSpec('heat_per_kw_c')],
        nuisance: [t0],
        start: [heat!],
        predict: ([b, d], out) => simulate(tau!, b!, ambient!, d!, out),
      },
    ],
    power.t.length === 0 ? 'no power_consumption readings to drive the thermal fit' : null,
  );
}

/** w = w₀ + D(t)/life, D the Taylor-weighted cutting hours since the first wear reading. */
function fitWear(wear: Series, speed: Series, power: Series, p: Record<string, number>): GroupFit {
  const grid =
    wear.t.length > 0
      ? unionTimes(wear, speed, power).filter((t) => t >= wear.t[0]!)
      : new Float64Array(0);
  const r = ratio(heldAt(speed, grid), p);
  const watts = power.t.length > 0 ? heldAt(power, grid) : null;
  const hours = new Float64Array(grid.length);
  for (let i = 1; i < grid.length; i++) {
    const ri = r[i - 1]!;
    const load =
      watts && ri > REST_RATIO
        ? Math.max(0, (watts[i - 1]! - p['idle_power_kw']!) / (p['cutting_power_kw']! * ri))
        : p['wear_reference_load']!;
    const rate =
      ri > 0 && load > 0
        ? Math.pow(load / p['wear_reference_load']!, p['wear_load_exponent']!) *
          Math.pow(ri, 1 / p['taylor_n']!)
        : 0;
    hours[i] = hours[i - 1]! + (rate * (grid[i]! - grid[i - 1]!)) / 3600;
  }
  const observedAt = indicesIn(grid, wear.t);
  return fitGroup(
    'wear',
    'tool_wear',
    wear.v,
    [
      {
        fitted: [cncSpec('tool_life_h')],
        nuisance: [{ name: 'initial_wear', start: wear.v[0] ?? 0, scale: 0.1 }],
        start: [p['tool_life_h']!],
        predict: ([life, w0], out) => {
          for (let i = 0; i < out.length; i++) out[i] = w0! + hours[observedAt[i]!]! / life!;
        },
      },
    ],
    speed.t.length === 0 ? 'no spindle_speed readings to drive the wear fit' : null,
  );
}

function fitVibration(
  vibration: Series,
  speed: Series,
  wear: Series,
  p: Record<string, number>,
): GroupFit {
  const r = ratio(heldAt(speed, vibration.t), p);
  const w = wear.t.length > 0 ? heldAt(wear, vibration.t) : new Float64Array(vibration.t.length);
  const m = p['vibration_wear_exponent']!;
  const wm = w.map((x) => Math.pow(Math.max(0, x), m));
  const floor = cncSpec('vibration_floor_mm_s');
  const base = cncSpec('vibration_base_mm_s');
  const gain = cncSpec('vibration_wear_gain_mm_s');
  const {
    vibration_floor_mm_s: f0,
    vibration_base_mm_s: b0,
    vibration_wear_gain_mm_s: g0,
  } = p as Record<string, number>;
  const predict = (f: number, b: number, g: number, out: Float64Array) => {
    for (let i = 0; i < out.length; i++) out[i] = f + r[i]! * r[i]! * (b + g * wm[i]!);
  };
  return fitGroup(
    'vibration',
    'vibration',
    vibration.v,
    [
      {
        fitted: [floor, base, gain],
        nuisance: [],
        start: [f0!, b0!, g0!],
        predict: ([f, b, g], out) => predict(f!, b!, g!, out),
      },
      {
        fitted: [base, gain],
        nuisance: [],
        start: [b0!, g0!],
        predict: ([b, g], out) => predict(f0!, b!, g!, out),
      },
      {
        fitted: [floor, base],
        nuisance: [],
        start: [f0!, b0!],
        predict: ([f, b], out) => predict(f!, b!, g0!, out),
      },
      {
        fitted: [base],
        nuisance: [],
        start: [b0!],
        predict: ([b], out) => predict(f0!, b!, g0!, out),
      },
    ],
    speed.t.length === 0 ? 'no spindle_speed readings to drive the vibration fit' : null,
  );
}

/** The mean cutting load over the readings taken while the spindle turned, or null. */
function loadWhileCutting(power: Series, speed: Series, p: Record<string, number>): number | null {
  if (power.t.length === 0 || speed.t.length === 0 || !(p['cutting_power_kw']! > 0)) return null;
  const r = ratio(heldAt(speed, power.t), p);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i]! <= REST_RATIO) continue;
    sum += Math.max(0, (power.v[i]! - p['idle_power_kw']!) / (p['cutting_power_kw']! * r[i]!));
    count++;
  }
  return count > 0 ? sum / count : null;
}

function ratio(speed: Float64Array, p: Record<string, number>): Float64Array {
  return speed.map((n) => Math.max(0, n / p['nominal_speed_rpm']!));
}
