import { createHash } from 'node:crypto';

/**
 * Answers to identical asks, least recently used first out, each for `ttlMs` at most. A Map
 * keeps insertion order, so re-inserting on a hit makes the first key the least recently used.
 */
export class AnswerCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/** The key of an ask: a hash of everything that shapes the answer (never the key or the time). */
export function askKey(parts: {
  model: string;
  name: string;
  schema: unknown;
  instructions: string;
  data: unknown;
  maxOutputTokens?: number | undefined;
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        parts.model,
        parts.name,
        parts.schema,
        parts.instructions,
        parts.data,
        parts.maxOutputTokens ?? null,
      ]),
    )
    .digest('hex');
}
