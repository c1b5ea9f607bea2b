import type { PhysicsModel, StartValues } from '../../model/physics-model';
import { calibrateCnc } from './cnc-calibration';
import { CNC_PARAMETERS, REST_RATIO, type CncParameter } from './cnc-parameters';

const STATES = ['temperature', 'tool_wear'] as const;
const INPUTS = ['spindle_speed'] as const;
const OUTPUTS = ['power_consumption', 'vibration'] as const;
const VARIABLES: string[] = [...INPUTS, ...CNC_PARAMETERS.map((p) => p.name)];
const at = (name: CncParameter | 'spindle_speed') => VARIABLES.indexOf(name);

const SPEED = at('spindle_speed');
const TAU = at('time_constant_s');
const AMBIENT = at('ambient_temperature_c');
const HEAT = at('heat_per_kw_c');
const COOLING = at('cooling_capacity');
const NOMINAL = at('nominal_speed_rpm');
const IDLE = at('idle_power_kw');
const CUT = at('cutting_power_kw');
const LOAD = at('spindle_load');
const TAYLOR = at('taylor_n');
const LIFE = at('tool_life_h');
const REF_LOAD = at('wear_reference_load');
const LOAD_EXP = at('wear_load_exponent');
const V_FLOOR = at('vibration_floor_mm_s');
const V_BASE = at('vibration_base_mm_s');
const V_GAIN = at('vibration_wear_gain_mm_s');
const V_EXP = at('vibration_wear_exponent');
const TEMPERATURE = 0;
const WEAR = 1;

/** Power drawn: idle plus the cut, which grows with load and speed (torque × speed). */
export function cncPower(v: Float64Array): number {
  const r = Math.max(0, v[SPEED]! / v[NOMINAL]!);
  return v[IDLE]! + v[CUT]! * Math.max(0, v[LOAD]!) * r;
}

/**
 * Taylor-style wear rate (fraction of the tool's life per second): tool life falls with
 * speed^(1/n) and with load. Two Math.pow per call are most of the model's cost, and the
 * operating point rarely changes within a run, so the last answer is kept.
 */
class WearRate {
  private key = new Float64Array(6).fill(Number.NaN);
  private rate = 0;

  of(v: Float64Array): number {
    const k = this.key;
    if (
      k[0] === v[SPEED] &&
      k[1] === v[LOAD] &&
      k[2] === v[TAYLOR] &&
      k[3] === v[LIFE] &&
      k[4] === v[LOAD_EXP] &&
      k[5] === v[NOMINAL]
    ) {
      return this.rate;
    }
    k[0] = v[SPEED]!;
    k[1] = v[LOAD]!;
    k[2] = v[TAYLOR]!;
    k[3] = v[LIFE]!;
    k[4] = v[LOAD_EXP]!;
    k[5] = v[NOMINAL]!;
    const r = Math.max(0, v[SPEED]! / v[NOMINAL]!);
    const load = Math.max(0, v[LOAD]!) / v[REF_LOAD]!;
    this.rate =
      r > 0 && load > 0
        ? (Math.pow(load, v[LOAD_EXP]!) * Math.pow(r, 1 / v[TAYLOR]!)) / (v[LIFE]! * 3600)
        : 0;
    return this.rate;
  }
}

/**
 * The CNC milling machine (see docs/services/simulation.md for the equations):
 *   P  = P_idle + P_cut · L · r                          r = n / n_nominal
 *   dT/dt = (k_h · P − c · (T − T_amb)) / τ             first-order thermal, cooling c
 *   dw/dt = (L / L_ref)^a · r^(1/n_T) / (life · 3600)    Taylor-style wear
 *   vib = v_floor + r² · (v_base + v_gain · w^m)          vibration rising with wear
 */
export function cncMillingMachine(): PhysicsModel {
  const wear = new WearRate();
  return {
    twinType: 'cnc-milling-machine',
    description:
      'first-order spindle housing temperature, Taylor tool wear, vibration from wear, power from speed and load',
    states: STATES,
    inputs: INPUTS,
    outputs: OUTPUTS,
    parameters: CNC_PARAMETERS,
    // Absolute zero to well past where the housing's steel and bearings are a machine; a tool
    // from new (a little noise below) to ten lives worn; the spindle up to 100,000 rpm.
    ranges: {
      temperature: { min: -273.15, max: 1000 },
      tool_wear: { min: -1, max: 10 },
      spindle_speed: { min: 0, max: 100_000 },
    },
    stateTolerance: [1e-6, 1e-8],
    derivatives(x, v, dxdt) {
      const power = cncPower(v);
      const cooling = Math.max(0, v[COOLING]!);
      dxdt[TEMPERATURE] = (v[HEAT]! * power - cooling * (x[TEMPERATURE]! - v[AMBIENT]!)) / v[TAU]!;
      dxdt[WEAR] = wear.of(v);
    },
    computeOutputs(x, v, y) {
      const r = Math.max(0, v[SPEED]! / v[NOMINAL]!);
      y[0] = cncPower(v);
      const w = Math.max(0, x[WEAR]!);
      // The square law is the usual case, and a general Math.pow costs more than the rest here.
      const m = v[V_EXP]!;
      const worn = m === 2 ? w * w : Math.pow(w, m);
      y[1] = v[V_FLOOR]! + r * r * (v[V_BASE]! + v[V_GAIN]! * worn);
    },
    fallbackStart(property, v) {
      switch (property) {
        case 'temperature': {
          // No reading: assume the housing has settled at the current power.
          const cooling = Math.max(0, v[COOLING]!);
          return cooling > 0 ? v[AMBIENT]! + (v[HEAT]! * cncPower(v)) / cooling : v[AMBIENT]!;
        }
        case 'tool_wear':
          return 0;
        case 'spindle_speed':
          return v[NOMINAL]!;
        default:
          throw new Error(`cnc-milling-machine has no start value for ${property}`);
      }
    },
    derive(start: StartValues, v, hints) {
      v[LOAD] = startLoad(start, v, hints);
    },
    controls: [
      { name: 'spindle_speed', label: 'spindle speed', unit: 'rpm' },
      { name: 'spindle_load', label: 'cutting load (feed or depth of cut)', unit: '' },
    ],
    remedies: {
      tool_wear: 'Change the tool',
      vibration: 'Change the tool (vibration rises with wear)',
    },
    calibrate: (readings, declared) => calibrateCnc(readings, declared),
  };
}

/**
 * The cutting load now: from the latest power and speed readings when the spindle turns;
 * otherwise the load calibration saw while cutting, else the reference load.
 */
function startLoad(start: StartValues, v: Float64Array, hints: Record<string, number>): number {
  const r = Math.max(0, v[SPEED]! / v[NOMINAL]!);
  const power = start.values['power_consumption'];
  if (
    start.fromReadings.has('power_consumption') &&
    power !== undefined &&
    r > REST_RATIO &&
    v[CUT]! > 0
  ) {
    return Math.max(0, (power - v[IDLE]!) / (v[CUT]! * r));
  }
  return hints['load_while_cutting'] ?? v[REF_LOAD]!;
}
