/**
 * Time windows of downsampled telemetry, the same in every adapter. A window of `every`
 * milliseconds is aligned to the Unix epoch, as Flux's `aggregateWindow` aligns by default:
 * window k covers [k·every, (k+1)·every). It is labelled with that start, also when the asked
 * range begins inside it (then it holds only the points from `from` on).
 */

/** The units `every` may be written in: whole seconds, minutes, hours or days (fixed lengths). */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type EveryUnit = keyof typeof UNIT_MS;

/** Longest window: a year of days, so that no sum of window starts leaves the safe integers. */
export const MAX_EVERY_MS = 366 * UNIT_MS.d;

/**
 * Windows per series a telemetry store answers at most: the HTTP routes allow 10,000; this
 * bounds what any caller of the port can make a store walk.
 */
export const MAX_STORE_WINDOWS = 100_000;

/** A window length as written (`90s`, `15m`) and in milliseconds. */
export interface Every {
  text: string;
  ms: number;
}

const EVERY = /^([1-9]\d{0,8})(s|m|h|d)$/;

/** `every` as a duration of whole s, m, h or d; undefined for anything else (`1mo`, `0s`, `1.5m`). */
export function parseEvery(text: string): Every | undefined {
  const match = EVERY.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as EveryUnit];
  return ms <= MAX_EVERY_MS ? { text, ms } : undefined;
}

/** The plain name of a length in milliseconds, in the largest unit that divides it. */
export function everyOf(ms: number): Every {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms % UNIT_MS[unit] === 0) return { text: `${ms / UNIT_MS[unit]}${unit}`, ms };
  throw new RangeError(`${ms} ms is not a whole number of seconds`);
}

/** The start of the epoch-aligned window holding `timeMs` (floor, also before 1970). */
export function windowStart(timeMs: number, everyMs: number): number {
  return timeMs - (((timeMs % everyMs) + everyMs) % everyMs);
}

/** How many windows of `everyMs` the range [fromMs, toMs) touches (0 for an empty range). */
export function windowCount(fromMs: number, toMs: number, everyMs: number): number {
  if (toMs <= fromMs) return 0;
  return (windowStart(toMs - 1, everyMs) - windowStart(fromMs, everyMs)) / everyMs + 1;
}

/** The steps a chart's `every` is chosen from, each about 2 to 3 times the one before. */
export const EVERY_STEPS: readonly Every[] = [
  '1s', '2s', '5s', '10s', '15s', '30s',
  '1m', '2m', '5m', '10m', '15m', '30m',
  '1h', '2h', '3h', '6h', '12h', '1d', '2d', '7d', '14d', '30d', '90d', '366d',
].map((text) => parseEvery(text)!); // prettier-ignore

/**
 * The `every` a chart of [fromMs, toMs) gets when it names none: the shortest step of
 * EVERY_STEPS giving at most `target` windows, so a chart gets between about 400 and `target`
 * points (1,000 by default); the longest step when even that gives more.
 */
export function chooseEvery(fromMs: number, toMs: number, target = 1_000): Every {
  return (
    EVERY_STEPS.find((step) => windowCount(fromMs, toMs, step.ms) <= target) ??
    EVERY_STEPS[EVERY_STEPS.length - 1]!
  );
}

/**
 * The shortest `every` (whole seconds) whose windows over [fromMs, toMs) stay within `cap` (at
 * least 2): what a refusal of a too-small `every` names. Alignment may add a window at each end,
 * so it scans up from span / cap, a bounded number of steps: span / (cap - 1) always fits (a
 * range of length L touches at most floor((L - 1) / every) + 2 windows), and the scan stops
 * there, so a small cap over decades cannot loop for long.
 */
export function smallestEveryWithin(fromMs: number, toMs: number, cap: number): Every {
  if (!(cap >= 2)) throw new RangeError(`a cap of ${cap} windows cannot be scanned for`);
  const seconds = (ms: number) => Math.max(1_000, Math.ceil(ms / 1_000) * 1_000);
  const surely = seconds((toMs - fromMs) / (cap - 1));
  let ms = seconds((toMs - fromMs) / cap);
  for (let step = 0; ms < surely && step < 10_000; step++, ms += 1_000)
    if (windowCount(fromMs, toMs, ms) <= cap) return everyOf(ms);
  return everyOf(windowCount(fromMs, toMs, ms) <= cap ? ms : surely);
}

/**
 * The one rounding both stores apply to a window's mean (sum / count), to 12 significant
 * digits: InfluxDB and SQLite add floating-point numbers in different orders, and their sums may
 * differ in the last bits. Min, max and last are stored values and need no rounding.
 */
export function roundMean(value: number): number {
  return Number(value.toPrecision(12));
}
