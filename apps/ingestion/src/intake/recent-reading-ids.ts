/**
 * The reading ids accepted lately, bounded (oldest forgotten first): the ingestion's
 * de-duplication window. Older resends get past it and are absorbed downstream, where twin
 * state ignores a reading id it has seen and the telemetry store overwrites the same point.
 */
export class RecentReadingIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(twinId: string, readingId: string): boolean {
    return this.ids.has(key(twinId, readingId));
  }

  add(twinId: string, readingId: string): void {
    if (this.capacity === 0) return;
    this.ids.add(key(twinId, readingId));
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  delete(twinId: string, readingId: string): void {
    this.ids.delete(key(twinId, readingId));
  }
}

const key = (twinId: string, readingId: string) => `${twinId}\u0000${readingId}`;
