import { format, quantity } from '../../components/number-format';

/** One entry of `GET /v1/twins/{id}/diff`: a dotted path into the state, its value before and after. */
export interface DiffChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface DiffLine {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before: string;
  after: string;
  /** The same in one sentence (the list's text, not only its colours). */
  text: string;
}

/** Bookkeeping the diff of a person's view leaves out (it moves with every reading). */
const NOISE = /^(telemetryRevision|resetAt)(\.|$)/;

/** A value in a few words: numbers rounded, a reported value as "v unit", objects shortened. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return format(value);
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? 'none' : value.map(valueText).join(', ').slice(0, 120);
  const o = value as Record<string, unknown>;
  if (typeof o.value === 'number')
    return quantity(o.value, typeof o.unit === 'string' ? o.unit : '');
  if (typeof o.twinId === 'string') return o.twinId;
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** The diff as lines a person reads, sorted by path; bookkeeping left out. */
export function diffLines(changes: readonly DiffChange[]): DiffLine[] {
  return changes
    .filter((c) => !NOISE.test(c.path))
    .map((c) => {
      const missingBefore = c.before === null || c.before === undefined;
      const missingAfter = c.after === null || c.after === undefined;
      const kind: DiffLine['kind'] = missingBefore ? 'added' : missingAfter ? 'removed' : 'changed';
      const before = valueText(c.before);
      const after = valueText(c.after);
      const text =
        c.path === 'twin' && missingBefore
          ? 'The twin did not exist yet'
          : kind === 'added'
            ? `${c.path}: added, now ${after}`
            : kind === 'removed'
              ? `${c.path}: removed (was ${before})`
              : `${c.path}: ${before} → ${after}`;
      return { path: c.path, kind, before, after, text };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
