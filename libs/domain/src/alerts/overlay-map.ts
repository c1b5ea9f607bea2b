const GONE = Symbol('gone');

/**
 * A map that reads through to a base map and keeps its own changes: a decision works on an
 * overlay of the projection (seeing the transitions it just decided) without copying it, and
 * throws the overlay away. Keys are never looked up on plain objects, so `__proto__` is a key
 * like any other.
 */
export class OverlayMap<K, V> {
  private readonly own = new Map<K, V | typeof GONE>();

  constructor(private readonly base?: OverlayMap<K, V>) {}

  get(key: K): V | undefined {
    if (this.own.has(key)) {
      const value = this.own.get(key);
      return value === GONE ? undefined : value;
    }
    return this.base?.get(key);
  }

  set(key: K, value: V): void {
    this.own.set(key, value);
  }

  delete(key: K): void {
    if (this.base) this.own.set(key, GONE);
    else this.own.delete(key);
  }

  /** How many keys it holds: O(1) on a map with no base (the projection's own). */
  get size(): number {
    if (!this.base) return this.own.size;
    let n = 0;
    for (const _ of this.entries()) n += 1;
    return n;
  }

  *entries(): IterableIterator<[K, V]> {
    if (this.base) {
      for (const [key, value] of this.base.entries()) if (!this.own.has(key)) yield [key, value];
    }
    for (const [key, value] of this.own) if (value !== GONE) yield [key, value as V];
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }
}
