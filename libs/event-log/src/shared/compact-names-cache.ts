/**
 * Recently decoded names tables, found by their bytes: a plant has a few twin types, so nearly
 * every event's table was seen moments ago, and reusing its strings saves allocating them again.
 * Sharing one between decoders is safe: an entry holds a copy of the table's exact bytes, its
 * strings are immutable, and it keeps the 32 most recent tables.
 */
export class NamesCache {
  private readonly entries: Array<{ bytes: Buffer; names: string[] }> = [];

  find(buf: Buffer, start: number, end: number): string[] | undefined {
    for (let e = 0; e < this.entries.length; e++) {
      const entry = this.entries[e]!;
      if (!sameBytes(entry.bytes, buf, start, end)) continue;
      if (e > 0) this.entries.unshift(...this.entries.splice(e, 1));
      return entry.names;
    }
    return undefined;
  }

  add(bytes: Buffer, names: string[]): void {
    this.entries.unshift({ bytes: Buffer.from(bytes), names });
    if (this.entries.length > 32) this.entries.pop();
  }
}

function sameBytes(a: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/**
 * The cache every decode on this thread uses unless given another: one per module instance,
 * so one per thread (a worker thread that loads the codec has its own).
 */
export const threadNamesCache = new NamesCache();
