import {
  chooseEvery,
  parseEvery,
  smallestEveryWithin,
  windowCount,
  type Every,
} from '@twinlog/domain';
import { queryInvalid } from '@twinlog/service-kit';

/** The range a chart gets when it names none: the hour before now. */
export const DEFAULT_SPAN_MS = 3_600_000;
/** Windows per property and request: more is no chart, and a large answer to build and send. */
export const MAX_WINDOWS = 10_000;
/** The number of windows `every` is chosen for when the request names none. */
export const TARGET_WINDOWS = 1_000;

export interface TelemetryRange {
  from: string;
  to: string;
  every: Every;
  /** Whether `every` was chosen here (the request named none). */
  chosen: boolean;
}

/**
 * The range and window length of a telemetry read, checked. `to` defaults to now and `from` to
 * an hour before `to`; `every` to the step giving about 1,000 windows (chooseEvery). A range
 * that is empty or inverted once defaulted, an `every` that is no duration, or one so short
 * that a series would hold more than MAX_WINDOWS windows is a 400 naming the parameter (and,
 * for the last, the shortest `every` that is allowed).
 */
export function telemetryRange(
  asked: { from?: string | undefined; to?: string | undefined; every?: string | undefined },
  nowMs: number,
): TelemetryRange {
  const toMs = asked.to !== undefined ? Date.parse(asked.to) : nowMs;
  const fromMs = asked.from !== undefined ? Date.parse(asked.from) : toMs - DEFAULT_SPAN_MS;
  const from = new Date(Math.max(0, fromMs)).toISOString();
  const to = new Date(toMs).toISOString();
  if (!(Date.parse(from) < toMs)) {
    throw queryInvalid(
      asked.from !== undefined ? 'from' : 'to',
      `from must be before to (${from} is not before ${to}${asked.to === undefined ? ', now' : ''})`,
    );
  }
  if (asked.every === undefined)
    return { from, to, every: chooseEvery(Date.parse(from), toMs, TARGET_WINDOWS), chosen: true };
  const every = parseEvery(asked.every);
  if (!every) {
    throw queryInvalid(
      'every',
      'every: must be a whole number of s, m, h or d (90s, 5m, 1h, 1d), at most 366d',
    );
  }
  const windows = windowCount(Date.parse(from), toMs, every.ms);
  if (windows > MAX_WINDOWS) {
    const smallest = smallestEveryWithin(Date.parse(from), toMs, MAX_WINDOWS);
    throw queryInvalid(
      'every',
      `every: ${every.text} gives ${windows} windows from ${from} to ${to}; at most ${MAX_WINDOWS} are answered, so every must be at least ${smallest.text}`,
      { windows, maxWindows: MAX_WINDOWS, smallestEvery: smallest.text },
    );
  }
  return { from, to, every, chosen: false };
}
