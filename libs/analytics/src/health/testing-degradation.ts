import type { Limits } from '@twinlog/domain';
import type { ObservedReading } from './component-health';

/** A seeded standard normal source, so synthetic runs are repeatable. */
export function seededNormal(seed: number): () => number {
  let s = seed;
  const uniform = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s + 1) / (2 ** 31 + 1);
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export const HOUR_MS = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);

/** Spindle vibration with ISO-style zones: 2.8 / 4.5 / 7.1 / 11.2 mm/s. */
/** The demo plant's cutting tool: wear from 0 to breakage at 1, and its replacement job. */
export const TOOL_LIMITS: Record<string, Limits> = {
  tool_wear: {
    normal: { low: 0, high: 0.6 },
    warning: { high: 0.8 },
    alarm: { high: 0.9 },
    failure: { high: 1 },
  },
};
export const TOOL_JOB = {
  action: 'replace cutting tool',
  downtimeHours: 0.25,
  leadHours: 0.5,
  trendOnset: 0.05,
};

export const VIBRATION_LIMITS: Record<string, Limits> = {
  vibration: {
    normal: { low: 0, high: 2.8 },
    warning: { high: 4.5 },
    alarm: { high: 7.1 },
    failure: { high: 11.2 },
  },
};

/**
 * A bearing: 1.5 mm/s for `onsetHours`, then growing exponentially from there, with 5 %
 * multiplicative noise; it reaches the 11.2 mm/s failure limit at `endOfLifeHours`.
 */
export function degradingBearing(options: {
  onsetHours: number;
  rate: number;
  seed: number;
  everyHours: number;
}) {
  const { onsetHours, rate, seed, everyHours } = options;
  const endOfLifeHours = onsetHours + Math.log(1 + (11.2 - 1.5) / 0.3) / rate;
  const noise = seededNormal(seed);
  const readings: ObservedReading[] = [];
  for (let t = 0; t < endOfLifeHours; t += everyHours) {
    const level = t < onsetHours ? 1.5 : 1.5 + 0.3 * (Math.exp(rate * (t - onsetHours)) - 1);
    readings.push({
      property: 'vibration',
      value: level * (1 + 0.05 * noise()),
      at: T0 + t * HOUR_MS,
    });
  }
  return { readings, endOfLifeHours };
}
