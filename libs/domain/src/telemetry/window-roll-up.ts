import { compensatedSum } from '../health/roll-up';
import { roundMean } from './time-windows';

/** How a system or process twin aggregates a property over its members (the model's `rollup`). */
export type RollUpRule = 'sum' | 'mean' | 'min' | 'max';

/** One member's statistics of one window (as a telemetry store answers them). */
export interface MemberWindow {
  /** The window's start, ISO 8601 (the same text for the same window in every member). */
  start: string;
  mean: number;
  min: number;
  max: number;
  count: number;
}

/** One window of a roll-up over time. */
export interface RolledWindow {
  start: string;
  /**
   * sum: the sum of the members' window means (a line's mean total power over the window);
   * mean: the mean of the members' window means (each member weighs the same, however often it
   * reports); min / max: the least minimum and the greatest maximum of any member in the window.
   */
  value: number;
  /** Members with at least one point in the window: the others are not in `value`. */
  members: number;
  /** Points of all those members in the window. */
  points: number;
}

/**
 * Combines the members' windows by the property's roll-up rule, window by window, in time
 * order. A window no member has a point in is left out, as a single twin's empty window is.
 */
export function rollUpWindows(
  rule: RollUpRule,
  members: ReadonlyArray<readonly MemberWindow[]>,
): RolledWindow[] {
  const byStart = new Map<string, MemberWindow[]>();
  for (const windows of members)
    for (const w of windows) {
      const list = byStart.get(w.start);
      if (list) list.push(w);
      else byStart.set(w.start, [w]);
    }
  return [...byStart.keys()].sort().map((start) => {
    const windows = byStart.get(start)!;
    return {
      start,
      value: combine(rule, windows),
      members: windows.length,
      points: windows.reduce((n, w) => n + w.count, 0),
    };
  });
}

function combine(rule: RollUpRule, windows: readonly MemberWindow[]): number {
  switch (rule) {
    case 'sum':
      return roundMean(compensatedSum(windows.map((w) => w.mean)));
    case 'mean':
      return roundMean(compensatedSum(windows.map((w) => w.mean)) / windows.length);
    case 'min':
      return windows.reduce((a, w) => (w.min < a ? w.min : a), Infinity);
    case 'max':
      return windows.reduce((a, w) => (w.max > a ? w.max : a), -Infinity);
    default:
      return unreachable(rule);
  }
}

function unreachable(rule: never): never {
  throw new Error(`unknown roll-up rule ${String(rule)}`);
}
