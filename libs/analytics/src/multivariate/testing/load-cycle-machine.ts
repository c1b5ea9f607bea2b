import { gaussian, random } from './synthetic-plant';

/**
 * A machine milling parts one after another: cutting for 150 s at a speed that differs from part
 * to part, then idle for 50 s (speed 0, idle power). Rows of [speed, power, vibration] and the
 * controller's state code (1 idle, 2 cutting), one per second; deterministic (seeded).
 */
export interface LoadCycleOptions {
  seed?: number;
  /** The machine waits idle (no parts) in [from, to). */
  waits?: [number, number];
  /** The cutting vibration above its floor is multiplied by `factor` in [from, to). */
  vibrationFault?: [number, number, number];
}

export const CUT_S = 150;
export const IDLE_S = 50;
const SPEEDS = [7000, 8000, 9000, 7500, 8500, 6800, 9200];
const NOMINAL = 8000;

export interface LoadCycleStep {
  row: number[];
  state: number;
}

export function loadCycles(steps: number, options: LoadCycleOptions = {}): LoadCycleStep[] {
  const noise = gaussian(random(options.seed ?? 11));
  const out: LoadCycleStep[] = [];
  for (let t = 0; t < steps; t++) {
    const part = Math.floor(t / (CUT_S + IDLE_S));
    const waiting = options.waits && t >= options.waits[0] && t < options.waits[1];
    const cutting = !waiting && t % (CUT_S + IDLE_S) < CUT_S;
    if (!cutting) {
      out.push({ row: [0, 1.5 + 0.03 * noise(), 0.25 + 0.02 * noise()], state: 1 });
      continue;
    }
    const speed = SPEEDS[part % SPEEDS.length]!;
    const r = speed / NOMINAL;
    const load = 0.65 + 0.08 * Math.sin((2 * Math.PI * t) / 40);
    const fault = options.vibrationFault;
    const factor = fault && t >= fault[0] && t < fault[1] ? fault[2] : 1;
    out.push({
      row: [
        speed + 3 * noise(),
        (1.5 + 10 * load * r) * (1 + 0.01 * noise()),
        0.25 + factor * 0.7 * r * r * (0.4 + load) * (1 + 0.03 * noise()),
      ],
      state: 2,
    });
  }
  return out;
}
