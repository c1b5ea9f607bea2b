import type { MonitoredReading } from './reading-and-change';

export interface PropertyVectorState {
  values: (number | null)[];
  /** Event time of each property's value. */
  times: (number | null)[];
  /** Event time of the last vector handed out. */
  lastAt: number | null;
}

export interface AssembledVector {
  at: number;
  /** The first reading of the instant: it names an episode the vector opens. */
  readingId: string;
  values: number[];
}

/**
 * Turns a twin's readings, which arrive per property (several per TelemetryReported event),
 * into one property vector per time instant: the latest value of every property, each held
 * until its next reading. A vector is handed out for each new instant once every property has
 * had a value; a reading for an instant already handed out (late, or the same instant in a
 * later event) only updates the latest values, which the next vector carries.
 */
export class PropertyVector {
  private readonly index: Map<string, number>;

  constructor(
    readonly properties: readonly string[],
    private state: PropertyVectorState = {
      values: properties.map(() => null),
      times: properties.map(() => null),
      lastAt: null,
    },
  ) {
    this.index = new Map(properties.map((p, i) => [p, i]));
  }

  take(readings: readonly MonitoredReading[]): AssembledVector[] {
    const own = readings.filter((r) => this.index.has(r.property));
    // By event time; readings of one instant keep their order (a stable sort).
    const sorted = [...own].sort((a, b) => a.at - b.at);
    const vectors: AssembledVector[] = [];
    for (let i = 0; i < sorted.length;) {
      const at = sorted[i]!.at;
      let end = i;
      while (end < sorted.length && sorted[end]!.at === at) this.apply(sorted[end++]!);
      const { values, lastAt } = this.state;
      if ((lastAt === null || at > lastAt) && values.every((v) => v !== null)) {
        vectors.push({ at, readingId: sorted[i]!.readingId, values: values as number[] });
        this.state.values = [...values];
        this.state.lastAt = at;
      }
      i = end;
    }
    return vectors;
  }

  snapshot(): PropertyVectorState {
    return structuredClone(this.state);
  }

  static restore(properties: readonly string[], state: PropertyVectorState): PropertyVector {
    return new PropertyVector(properties, structuredClone(state));
  }

  private apply(reading: MonitoredReading): void {
    const j = this.index.get(reading.property)!;
    const held = this.state.times[j];
    // An older reading than the one held is history: it does not replace the latest value.
    if (held !== null && held !== undefined && reading.at < held) return;
    this.state.values[j] = reading.value;
    this.state.times[j] = reading.at;
  }
}
