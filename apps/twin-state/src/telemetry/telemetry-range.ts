import {
  chooseEvery,
  MAX_EVERY_MS,
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

/**
 * What one read walks: a store's work and memory grow with series × windows (the embedded store
 * walks every window of every series, points or none), so that product is what is bounded.
 */
export interface ReadLoad {
  /** Series read: the properties of one twin, or every member's series of each property. */
  series: number;
  /** Series × windows allowed (TWIN_STATE_TELEMETRY_READ_BUDGET). */
  budget: number;
  /** The series in words, for a refusal: "3 properties", "2000 members' 40000 series". */
  what: string;
}

/** A single series, unbounded but for MAX_WINDOWS. */
const ONE_SERIES: ReadLoad = { series: 1, budget: MAX_WINDOWS, what: '1 series' };

export interface TelemetryRange {
  from: string;
  to: string;
  every: Every;
  /** Whether `every` was chosen here (the request named none). */
  chosen: boolean;
}

/**
 * The range and window length of a telemetry read, checked. `to` defaults to now and `from` to
 * an hour before `to`; `every` to the step giving about 1,000 windows (chooseEvery), fewer when
 * the load's budget allows fewer. A range that is empty or inverted once defaulted, or an `every`
 * that is no duration, is a 400 naming the parameter. So is an `every` so short that a series
 * would hold more than MAX_WINDOWS windows, or the read more than its budget of series ×
 * windows: the 400 names the shortest `every` that fits, or, when not even the longest does,
 * the series and asks for fewer.
 */
export function telemetryRange(
  asked: { from?: string | undefined; to?: string | undefined; every?: string | undefined },
  nowMs: number,
  load: ReadLoad = ONE_SERIES,
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
  const cap = windowsAllowed(load);
  const fitting = cap >= 2 ? smallestEveryWithin(Date.parse(from), toMs, cap) : undefined;
  if (!fitting || fitting.ms > MAX_EVERY_MS) throw tooMuch(load, from, to);
  if (asked.every === undefined) {
    const chosen = chooseEvery(Date.parse(from), toMs, Math.min(TARGET_WINDOWS, cap));
    const fits = windowCount(Date.parse(from), toMs, chosen.ms) <= cap;
    return { from, to, every: fits ? chosen : fitting, chosen: true };
  }
  const every = parseEvery(asked.every);
  if (!every) {
    throw queryInvalid(
      'every',
      'every: must be a whole number of s, m, h or d (90s, 5m, 1h, 1d), at most 366d',
    );
  }
  const windows = windowCount(Date.parse(from), toMs, every.ms);
  if (windows > cap) {
    const why =
      cap === MAX_WINDOWS
        ? `at most ${MAX_WINDOWS} are answered`
        : `${load.what} may have at most ${cap} windows each (${load.budget} series × windows are read per request)`;
    throw queryInvalid(
      'every',
      `every: ${every.text} gives ${windows} windows from ${from} to ${to}; ${why}, so every must be at least ${fitting.text}`,
      {
        windows,
        maxWindows: cap,
        smallestEvery: fitting.text,
        series: load.series,
        budget: load.budget,
      },
    );
  }
  return { from, to, every, chosen: false };
}

/** Windows per series within both MAX_WINDOWS and the budget. */
export function windowsAllowed(load: ReadLoad): number {
  return Math.min(MAX_WINDOWS, Math.floor(load.budget / Math.max(1, load.series)));
}

function tooMuch(load: ReadLoad, from: string, to: string) {
  return queryInvalid(
    'property',
    `property: ${load.what} are too many for ${load.budget} series × windows per request, even at the longest every from ${from} to ${to}; ask for fewer properties or a narrower subtree`,
    { series: load.series, budget: load.budget },
  );
}
