/**
 * The reading ids accepted lately, bounded (oldest forgotten first): the ingestion's
 * de-duplication window. Older resends get past it and are absorbed downstream, where twin
 * state ignores a reading id it has seen and the telemetry store overwrites the same point.
 */
export class RecentReadingIds {
  private readonly ids = new Set<string>();
  /**
   * Insertion order as a ring, for O(1) eviction. (Evicting through the Set's own iterator is
   * O(n) in V8 once many entries were deleted at its front: it took half of ingestion's CPU.)
   */
  private readonly ring: Array<string | undefined>;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Keys are readingKey(twinId, readingId). */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.addUnseen(id);
  }

  /** `add` for an id the caller has just found absent (screening did): one hash lookup less. */
  addUnseen(id: string): void {
    if (this.capacity === 0) return;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
  }

  /** Forgets an id whose append failed, so a retry is not taken for a duplicate. */
  delete(id: string): void {
    // Its ring slot stays; evicting a key that is no longer in the Set is harmless.
    this.ids.delete(id);
  }
}
