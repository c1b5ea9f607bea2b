/**
 * Work run one at a time per key, in arrival order; different keys run side by side. A failed
 * task does not stop the next one, and a key's queue is dropped once it is empty (the map holds
 * only the keys with work in flight).
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
    return run;
  }

  /** `work` holding every key's turn at once, taken one after another in the order given. */
  runAll<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    return keys.reduceRight<() => Promise<T>>((inner, key) => () => this.run(key, inner), work)();
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
