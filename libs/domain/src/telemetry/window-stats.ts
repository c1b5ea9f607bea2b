/**
 * One window of a downsampled series: windows are aligned to the Unix epoch (window k covers
 * [k·every, (k+1)·every)) and labelled with that start, even when `from` falls inside it. The
 * telemetry stores compute it; `GET /v1/twins/{id}/telemetry` answers it; the dashboard draws it.
 */
export interface WindowStats {
  /** ISO 8601 start of the aligned window. */
  start: string;
  /** sum / count, rounded to 12 significant digits (roundMean) by every adapter alike. */
  mean: number;
  min: number;
  max: number;
  /** The value of the latest point in the window. */
  last: number;
  /** Points in the window (within [from, to)); windows with none are left out. */
  count: number;
}
