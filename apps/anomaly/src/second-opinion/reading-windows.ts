/** One reading as a window keeps it: event time in epoch ms. */
export interface WindowReading {
  property: string;
  value: number;
  unit: string;
  at: number;
}

/** A property's readings in a window: running figures over all, and a spread-out sample. */
export interface PropertySeries {
  property: string;
  unit: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  first: number;
  last: number;
  /** At most SAMPLES_PER_PROPERTY readings, evenly spread over the window's: [ms since `from`, value]. */
  samples: Array<[number, number]>;
}

/** A window of event time [from, to) of one twin whose readings are all in. */
export interface ClosedWindow {
  from: number;
  to: number;
  /** Readings that fell in it, all properties. */
  readings: number;
  properties: PropertySeries[];
  /** The last telemetry event in it: the finding's cause. */
  lastEvent: { id: string; correlationId: string };
}

/** Readings shown to the model per property: enough to see a shape, few enough to stay cheap. */
export const SAMPLES_PER_PROPERTY = 60;
/** Properties of one twin a window keeps (a model has far fewer; a bound all the same). */
export const MAX_PROPERTIES = 50;

interface Series {
  unit: string;
  count: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  last: number;
  /** Every `stride`-th reading is kept; the list is halved (and the stride doubled) when full. */
  stride: number;
  kept: Array<[number, number]>;
}

interface OpenWindow {
  from: number;
  readings: number;
  series: Map<string, Series>;
  lastEvent: { id: string; correlationId: string } | undefined;
}

/**
 * Each twin's current window of event time, aligned to multiples of the interval: [k·I, (k+1)·I).
 * A window closes when the twin's first reading at or past its end arrives, so a window and its
 * end depend on the readings alone (a restart or a takeover closes the same windows). Memory per
 * twin is bounded: running figures and at most 2 × SAMPLES_PER_PROPERTY readings per property.
 * Readings older than the current window (late) are left out.
 */
export class ReadingWindows {
  private readonly open = new Map<string, OpenWindow>();

  constructor(private readonly intervalMs: number) {}

  /** Adds one telemetry event's readings; returns the window they closed, if any (with readings). */
  add(
    twinId: string,
    event: { id: string; correlationId: string },
    readings: readonly WindowReading[],
  ): ClosedWindow | undefined {
    let closed: ClosedWindow | undefined;
    for (const reading of readings) {
      if (!Number.isFinite(reading.at) || !Number.isFinite(reading.value)) continue;
      const start = Math.floor(reading.at / this.intervalMs) * this.intervalMs;
      let window = this.open.get(twinId);
      if (window && start < window.from) continue;
      if (!window || start > window.from) {
        if (window && window.readings > 0) closed ??= this.close(window);
        window = { from: start, readings: 0, series: new Map(), lastEvent: undefined };
        this.open.set(twinId, window);
      }
      if (addTo(window, reading)) {
        window.readings += 1;
        window.lastEvent = { id: event.id, correlationId: event.correlationId };
      }
    }
    return closed;
  }

  forget(twinId: string): void {
    this.open.delete(twinId);
  }

  get twins(): number {
    return this.open.size;
  }

  private close(window: OpenWindow): ClosedWindow {
    return {
      from: window.from,
      to: window.from + this.intervalMs,
      readings: window.readings,
      properties: [...window.series.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([property, s]) => ({
          property,
          unit: s.unit,
          count: s.count,
          min: s.min,
          max: s.max,
          mean: s.sum / s.count,
          first: s.first,
          last: s.last,
          samples: thin(s.kept, SAMPLES_PER_PROPERTY).map(([at, v]) => [at - window.from, v]),
        })),
      lastEvent: window.lastEvent ?? { id: 'unknown', correlationId: 'unknown' },
    };
  }
}

function addTo(window: OpenWindow, reading: WindowReading): boolean {
  let s = window.series.get(reading.property);
  if (!s) {
    if (window.series.size >= MAX_PROPERTIES) return false;
    s = {
      unit: reading.unit,
      count: 0,
      min: reading.value,
      max: reading.value,
      sum: 0,
      first: reading.value,
      last: reading.value,
      stride: 1,
      kept: [],
    };
    window.series.set(reading.property, s);
  }
  if (s.count % s.stride === 0) {
    s.kept.push([reading.at, reading.value]);
    if (s.kept.length >= 2 * SAMPLES_PER_PROPERTY) {
      s.kept = s.kept.filter((_, i) => i % 2 === 0);
      s.stride *= 2;
    }
  }
  s.count += 1;
  s.sum += reading.value;
  s.min = Math.min(s.min, reading.value);
  s.max = Math.max(s.max, reading.value);
  s.last = reading.value;
  return true;
}

/** At most `n` of the points, evenly spread, the first and last kept. */
function thin<T>(points: T[], n: number): T[] {
  if (points.length <= n) return points;
  const step = (points.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => points[Math.round(i * step)]!);
}
