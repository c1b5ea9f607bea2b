import type { TwinState } from '../twin/twin-state';
import { ownValue } from '../own-names';

export interface StateChange {
  /** A dotted path into the twin's state, e.g. `reported.temperature` or `limits.vibration`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Fields of the state that are bookkeeping, not facts about the twin. */
const IGNORED = new Set(['revision', 'telemetryRevision']);

/**
 * What changed in a twin between two states (for example as of two timestamps): top-level
 * fields, and per key inside the maps (reported values, limits, anomalies, reset times).
 */
export function diffStates(before: TwinState, after: TwinState): StateChange[] {
  const changes: StateChange[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of [...keys].sort()) {
    if (IGNORED.has(key)) continue;
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (isMap(a) && isMap(b)) {
      for (const inner of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        const [x, y] = [ownValue(a, inner), ownValue(b, inner)];
        if (!same(x, y)) {
          changes.push({ path: `${key}.${inner}`, before: x ?? null, after: y ?? null });
        }
      }
    } else if (!same(a, b)) {
      changes.push({ path: key, before: a ?? null, after: b ?? null });
    }
  }
  return changes;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** A value with object keys sorted, so equal states serialise equally (diffs, checksums). */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
