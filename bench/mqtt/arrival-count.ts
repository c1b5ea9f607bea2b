/**
 * Counts the readings that arrived against the ones published, whose ids are `{run}-{n}` for n
 * in [0, total): how many arrived at least once, how many more than once, which never did, and
 * how the arrivals split between sources (e.g. the Kafka producers of two ingestion instances).
 */
export class ArrivalCount {
  private readonly seen: Uint8Array;
  private readonly prefix: string;
  private readonly bySource = new Map<string, number>();
  unique = 0;
  duplicates = 0;
  /** Ids that are not this run's (another run's readings, or a garbled id). */
  foreign = 0;

  constructor(
    run: string,
    readonly total: number,
  ) {
    this.prefix = `${run}-`;
    this.seen = new Uint8Array(total);
  }

  record(readingId: unknown, source = ''): void {
    const digits =
      typeof readingId === 'string' && readingId.startsWith(this.prefix)
        ? readingId.slice(this.prefix.length)
        : '';
    const n = /^\d+$/.test(digits) ? Number(digits) : NaN;
    if (!Number.isInteger(n) || n < 0 || n >= this.total) {
      this.foreign += 1;
      return;
    }
    this.bySource.set(source, (this.bySource.get(source) ?? 0) + 1);
    if (this.seen[n] === 0) this.unique += 1;
    else this.duplicates += 1;
    if (this.seen[n]! < 255) this.seen[n]! += 1;
  }

  get missing(): number {
    return this.total - this.unique;
  }

  /** True when every published reading arrived exactly once and nothing else did. */
  get exactlyOnce(): boolean {
    return this.unique === this.total && this.duplicates === 0 && this.foreign === 0;
  }

  /** The first few ids that never arrived, for the report. */
  firstMissing(limit = 5): number[] {
    const found: number[] = [];
    for (let n = 0; n < this.total && found.length < limit; n++)
      if (this.seen[n] === 0) found.push(n);
    return found;
  }

  /** Arrivals per source, largest first. */
  shares(): Array<{ source: string; count: number }> {
    return [...this.bySource]
      .map(([source, count]) => ({ source, count }))
      .sort((a, b) => b.count - a.count);
  }
}
