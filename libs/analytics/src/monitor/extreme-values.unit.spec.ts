import fc from 'fast-check';
import { DEFAULT_MULTIVARIATE_SETTINGS } from '../multivariate/multivariate-settings';
import {
  DEFAULT_MONITOR_SETTINGS,
  TwinAnomalyMonitor,
  type AnomalyChange,
} from './twin-anomaly-monitor';

// Issue 15: intake keeps every value within its physical range, at most 1e15 in magnitude.
// Within that, the detectors' running sums, EWMAs and variances must never produce an
// Infinity or NaN (AnomalyDetected would then fail its schema and stall the partition).
const limits = {
  temperature: { normal: { high: 65 }, alarm: { high: 85 } },
  power: { normal: { low: 0, high: 15 } },
};
const settings = {
  ...DEFAULT_MONITOR_SETTINGS,
  multivariate: {
    ...DEFAULT_MULTIVARIATE_SETTINGS,
    properties: ['temperature', 'power'],
    warmUp: 20,
    smoothing: 3,
  },
};
const value = fc.oneof(
  fc.double({ min: -273.15, max: 1e15, noNaN: true }),
  fc.constantFrom(1e15, -273.15, 0, 5e-324, 1e-300, 50, 50.000001),
  fc.double({ min: 40, max: 60, noNaN: true }),
);

function finiteEverywhere(change: AnomalyChange): boolean {
  if (change.kind === 'cleared') return Number.isFinite(change.at);
  const numbers = [
    change.score,
    change.at,
    ...change.evidence.flatMap((e) => [e.observed, e.expected, e.expectedLow, e.expectedHigh]),
  ].filter((n) => n !== undefined);
  return numbers.every(Number.isFinite) && change.score >= 0 && change.score <= 1;
}

describe('detectors on extreme values within the physical range', () => {
  it('never report a non-finite score or evidence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value, fc.integer({ min: 1, max: 3_600_000 })), {
          minLength: 30,
          maxLength: 120,
        }),
        (steps) => {
          const monitor = new TwinAnomalyMonitor('mill-1', limits, settings);
          let at = Date.UTC(2026, 0, 1);
          const changes: AnomalyChange[] = [];
          steps.forEach(([t, p, dt], i) => {
            at += dt;
            changes.push(
              ...monitor.observe([
                { property: 'temperature', value: t, at, readingId: `t-${i}` },
                { property: 'power', value: Math.abs(p), at, readingId: `p-${i}` },
              ]),
            );
          });
          const bad = changes.filter((c) => !finiteEverywhere(c));
          expect(bad).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
