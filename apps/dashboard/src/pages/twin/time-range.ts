import { everyFor } from '../../components/chart-range';
import { format, unitSuffix } from '../../components/number-format';

/** The chart's range presets: minutes to months. */
export const PRESETS = [
  { key: '15m', label: '15 min', ms: 15 * 60_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '1d', label: '1 d', ms: 86_400_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000 },
  { key: '90d', label: '90 d', ms: 90 * 86_400_000 },
] as const;
export type PresetKey = (typeof PRESETS)[number]['key'];

export const DEFAULT_PRESET: PresetKey = '1h';
/** The shortest range a drag may zoom to: below it the windows would be under a second. */
export const MIN_RANGE_MS = 10_000;

export interface ChartRange {
  fromMs: number;
  toMs: number;
  /** The preset it came from, or undefined for a range dragged on the chart. */
  preset: PresetKey | undefined;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A strict ISO time with a zone naming a real instant, as epoch ms, else undefined (the URL is
 * user input; `Date.parse` would roll 31 November over to 1 December, the API refuses it).
 */
export function parseIsoTime(text: string | undefined): number | undefined {
  const m = text ? ISO_TIME.exec(text) : null;
  if (!m) return undefined;
  const [year, month, day, hour, minute, second = 0, zoneH = 0, zoneM = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth) return undefined;
  if (hour! > 23 || minute! > 59 || second > 59 || zoneH > 23 || zoneM > 59) return undefined;
  const ms = Date.parse(text!);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The latest reading's time among a twin's reported values (the plant's own clock), if any. */
export function latestReadingMs(
  reported: Record<string, { occurredAt: string }>,
): number | undefined {
  let latest: number | undefined;
  for (const value of Object.values(reported)) {
    const ms = Date.parse(value.occurredAt);
    if (Number.isFinite(ms) && (latest === undefined || ms > latest)) latest = ms;
  }
  return latest;
}

/**
 * The chart's range from the URL: `from`/`to` (a dragged range) when both are valid and in
 * order, else a preset (`range=`, 1 h by default) ending at the twin's latest reading: the demo
 * plant runs on plant time, possibly hours behind the wall clock, so "now" could show nothing.
 * The end is rounded up to the next second so the latest reading is inside `[from, to)`.
 */
export function rangeFromQuery(
  query: Record<string, string | undefined>,
  latestMs: number | undefined,
  nowMs: number,
): ChartRange {
  const from = parseIsoTime(query.from);
  const to = parseIsoTime(query.to);
  if (from !== undefined && to !== undefined && to - from >= MIN_RANGE_MS)
    return { fromMs: from, toMs: to, preset: undefined };
  const preset =
    PRESETS.find((p) => p.key === query.range) ?? PRESETS.find((p) => p.key === DEFAULT_PRESET)!;
  const end = Math.floor((latestMs ?? nowMs) / 1000) * 1000 + 1000;
  return { fromMs: end - preset.ms, toMs: end, preset: preset.key };
}

/** The URL query for a range: a preset by name (it follows the latest reading), a drag by its times. */
export function queryOfRange(
  range: { fromMs: number; toMs: number } | PresetKey,
): Record<string, string | undefined> {
  if (typeof range === 'string') return { range, from: undefined, to: undefined };
  return {
    range: undefined,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
  };
}

/** A dragged selection as a range: ordered, at least MIN_RANGE_MS (centred on the drag). */
export function zoomedRange(aMs: number, bMs: number): { fromMs: number; toMs: number } {
  let fromMs = Math.min(aMs, bMs);
  let toMs = Math.max(aMs, bMs);
  if (toMs - fromMs < MIN_RANGE_MS) {
    const mid = (fromMs + toMs) / 2;
    fromMs = Math.round(mid - MIN_RANGE_MS / 2);
    toMs = fromMs + MIN_RANGE_MS;
  }
  return { fromMs, toMs };
}

/** The telemetry request for a range drawn `widthPx` wide: the server downsamples to fit. */
export function telemetryWindow(
  range: { fromMs: number; toMs: number },
  widthPx: number,
): { from: string; to: string; every: string; everyMs: number } {
  const { every, everyMs } = everyFor(range.toMs - range.fromMs, widthPx);
  return {
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    every,
    everyMs,
  };
}

/** "the last 1 h to 10:42" or "from … to …": the range in words, for the charts' summaries. */
export function describeRange(range: ChartRange, fmt: (ms: number) => string): string {
  const preset = PRESETS.find((p) => p.key === range.preset);
  return preset
    ? `${preset.label} to ${fmt(range.toMs)}`
    : `${fmt(range.fromMs)} to ${fmt(range.toMs)}`;
}

/** A chart's text alternative: the range, the windows, the lowest, highest and last values. */
export function chartSummary(
  series: {
    property: string;
    unit: string;
    windows: ReadonlyArray<{ mean: number; min: number; max: number; last: number }>;
  },
  rangeText: string,
  every: string,
): string {
  const finite = series.windows.filter((w) => Number.isFinite(w.mean));
  if (finite.length === 0) return `No readings of ${series.property} ${rangeText}.`;
  const u = unitSuffix(series.unit);
  const low = Math.min(...finite.map((w) => w.min));
  const high = Math.max(...finite.map((w) => w.max));
  const last = finite[finite.length - 1]!.last;
  return (
    `${series.property} ${rangeText}, ${finite.length} windows of ${every}: ` +
    `lowest ${format(low)}${u}, highest ${format(high)}${u}, last ${format(last)}${u}.`
  );
}
