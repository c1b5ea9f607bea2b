// The scoring rules of the public single-stream benchmark the issue names (the Numenta Anomaly
// Benchmark, Lavin & Ahmad 2015, "Evaluating real-time anomaly detection algorithms"), written
// from its published description:
// - each labelled anomaly gets a window centred on it, 10% of the stream's length divided by
//   the number of anomalies wide (overlapping windows merge);
// - the first `probation` rows (15% of the stream, at most 750) are not scored;
// - only the first detection in a window counts, weighted by a scaled sigmoid of its position:
//   about +1 at the window's start, 0 at its end; later detections in the window are free;
// - a detection outside any window costs the FP weight, scaled by the same sigmoid of its
//   distance past the previous window (cheap right after a window, full cost far from one);
// - a window with no detection costs the FN weight;
// - the corpus score is normalised to 0 (no detection at all) .. 100 (each window's first row).

export interface Profile {
  tp: number;
  fp: number;
  fn: number;
}

/** The standard profile: a missed anomaly costs about as much as nine false rows. */
export const STANDARD_PROFILE: Profile = { tp: 1, fp: 0.11, fn: 1 };

export interface Window {
  start: number;
  end: number;
}

/** 2 / (1 + e^(5y)) - 1: +0.987 at y = -1 (a window's start), 0 at y = 0, -1 far past (y > 3). */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

export function probationRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

/** Windows (inclusive row ranges) around each labelled anomaly row, merged where they overlap. */
export function anomalyWindows(length: number, anomalies: number[]): Window[] {
  if (anomalies.length === 0) return [];
  const width = Math.floor((0.1 * length) / anomalies.length);
  const windows: Window[] = [];
  for (const at of [...anomalies].sort((a, b) => a - b)) {
    const start = Math.max(0, at - Math.floor(width / 2));
    const end = Math.min(length - 1, at + Math.floor(width / 2));
    const last = windows[windows.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  return windows;
}

export interface StreamScore {
  raw: number;
  tp: number;
  fp: number;
  fn: number;
  windows: number;
}

/** One stream's raw score: `detections` are the rows flagged (ascending or not; each counts once). */
export function scoreStream(
  length: number,
  windows: Window[],
  detections: Iterable<number>,
  profile: Profile = STANDARD_PROFILE,
): StreamScore {
  const probation = probationRows(length);
  const rows = [...new Set(detections)].filter((i) => i >= probation && i < length);
  rows.sort((a, b) => a - b);
  const hit = new Map<number, number>();
  let raw = 0;
  let fp = 0;
  for (const i of rows) {
    const w = windows.findIndex((x) => i >= x.start && i <= x.end);
    if (w >= 0) {
      if (!hit.has(w)) {
        const { start, end } = windows[w]!;
        hit.set(w, profile.tp * scaledSigmoid(-(end - i + 1) / (end - start + 1)));
      }
      continue;
    }
    fp += 1;
    const before = [...windows].reverse().find((x) => x.end < i);
    const cost = before
      ? scaledSigmoid(Math.abs(i - before.end) / Math.max(1, before.end - before.start))
      : -1;
    raw += profile.fp * cost;
  }
  for (const v of hit.values()) raw += v;
  const fn = windows.length - hit.size;
  raw -= profile.fn * fn;
  return { raw, tp: hit.size, fp, fn, windows: windows.length };
}

/** The best raw score a stream allows: a detection on each window's first row. */
export function perfectRaw(windows: Window[], profile: Profile = STANDARD_PROFILE): number {
  return windows.reduce(
    (sum, w) => sum + profile.tp * scaledSigmoid(-(w.end - w.start + 1) / (w.end - w.start + 1)),
    0,
  );
}

/** 100 x (raw - null) / (perfect - null), summed over the corpus; null = every window missed. */
export function normalisedScore(
  scores: StreamScore[],
  perfect: number,
  profile: Profile = STANDARD_PROFILE,
): number {
  const raw = scores.reduce((s, x) => s + x.raw, 0);
  const nul = -profile.fn * scores.reduce((s, x) => s + x.windows, 0);
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}
