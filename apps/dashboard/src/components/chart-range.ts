/** Window lengths the chart asks the server for: round steps a person reads easily. */
const STEPS: Array<[number, string]> = [
  [1_000, '1s'],
  [2_000, '2s'],
  [5_000, '5s'],
  [10_000, '10s'],
  [15_000, '15s'],
  [30_000, '30s'],
  [60_000, '1m'],
  [120_000, '2m'],
  [300_000, '5m'],
  [600_000, '10m'],
  [900_000, '15m'],
  [1_800_000, '30m'],
  [3_600_000, '1h'],
  [7_200_000, '2h'],
  [10_800_000, '3h'],
  [21_600_000, '6h'],
  [43_200_000, '12h'],
  [86_400_000, '1d'],
  [172_800_000, '2d'],
  [604_800_000, '7d'],
  [2_592_000_000, '30d'],
];

/**
 * The window (`every`) to ask the telemetry API for, so a chart gets about one point per
 * `pixelsPerPoint` pixels of its width (ADR 0017: the server downsamples): a minute or a
 * month of data costs the same few hundred points.
 */
export function everyFor(
  rangeMs: number,
  widthPx: number,
  pixelsPerPoint = 2,
): { every: string; everyMs: number } {
  const points = Math.max(1, Math.floor(Math.max(1, widthPx) / pixelsPerPoint));
  const wanted = Math.max(1, rangeMs) / points;
  const step = STEPS.find(([ms]) => ms >= wanted) ?? STEPS[STEPS.length - 1]!;
  return { everyMs: step[0], every: step[1] };
}
