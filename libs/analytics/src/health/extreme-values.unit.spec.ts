import fc from 'fast-check';
import { ComponentHealthModel } from './component-health';
import type { HealthAssessment } from './health-assessment';
import { T0, VIBRATION_LIMITS } from './testing-degradation';

// Issue 15: maintenance's streaming degradation model on extreme values within the physical
// range (|value| <= 1e15, vibration >= 0): every assessment stays finite, so the
// MaintenancePredicted event it becomes passes its schema (and JSON never shows null).
const BEARINGS = { action: 'replace spindle bearings', downtimeHours: 16, leadHours: 72 };
const value = fc.oneof(
  fc.double({ min: 0, max: 1e15, noNaN: true }),
  fc.constantFrom(0, 5e-324, 1e15, 1.5, 11.2),
  fc.double({ min: 1, max: 3, noNaN: true }),
);

function finiteAssessment(a: HealthAssessment): string[] {
  const numbers: Record<string, number> = {
    healthIndex: a.healthIndex,
    p10: a.life.p10,
    p50: a.life.p50,
    p90: a.life.p90,
    from: a.recommendation.window.from,
    to: a.recommendation.window.to,
  };
  a.features.forEach((f, i) => {
    for (const [k, v] of Object.entries(f)) if (typeof v === 'number') numbers[`f${i}.${k}`] = v;
  });
  return Object.entries(numbers)
    .filter(([, v]) => !Number.isFinite(v))
    .map(([k, v]) => `${k}=${v}`);
}

describe('the component health model on extreme values within the physical range', () => {
  it('never assesses a non-finite health, life, window or feature', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, fc.integer({ min: 1, max: 6 * 3_600_000 })), {
          minLength: 20,
          maxLength: 200,
        }),
        (steps) => {
          const model = new ComponentHealthModel('spindle-1', VIBRATION_LIMITS, BEARINGS);
          let at = T0;
          const problems: string[] = [];
          for (const [v, dt] of steps) {
            at += dt;
            model.observe([{ property: 'vibration', value: v, at }]);
            if (model.due()) {
              const a = model.checkpoint();
              if (a) problems.push(...finiteAssessment(a));
            }
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
