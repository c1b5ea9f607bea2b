import { setImmediate as nextTurn } from 'node:timers/promises';
import { HttpProblem } from '@twinlog/service-kit';

/**
 * Reads that fold or page a twin's whole stream (history, diff, the audit trail, provenance) run
 * a few at a time: node:sqlite reads synchronously, so sixteen of them at once held the event
 * loop for seconds and an ingestion POST waited behind them. Callers beyond the queue get 503
 * BUSY with Retry-After instead of a growing wait.
 */
export class HeavyReads {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    /** Reads running at once; each still yields between chunks (see foldInChunks). */
    private readonly concurrency = 2,
    /** Reads waiting for a turn before more are refused. */
    private readonly maxQueued = 32,
    /** What waits, in the 503's message. */
    private readonly what = 'history, diff, audit or provenance reads',
  ) {}

  /** `signal`: the caller went away; a read still waiting leaves the queue and never runs. */
  async run<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) {
        throw new HttpProblem(
          503,
          'BUSY',
          `${this.waiting.length} ${this.what} are already waiting; retry shortly`,
          { waiting: this.waiting.length },
          { 'Retry-After': '1' },
        );
      }
      await this.turn(signal);
    } else {
      this.active++;
    }
    try {
      // Let requests already in the queue (a reading, a cheap query) go first.
      await nextTurn();
      signal?.throwIfAborted();
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Waits for a running read to hand over its place; leaves the queue if `signal` aborts first. */
  private turn(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const at = this.waiting.indexOf(go);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      this.waiting.push(go);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }
}

/** Events folded between two turns of the event loop. */
export const FOLD_CHUNK = 500;

/** Folds `events` in chunks, letting other work run between them. */
export async function foldInChunks<S, E>(
  events: readonly E[],
  initial: S,
  fold: (chunk: E[], state: S) => S,
  chunk = FOLD_CHUNK,
): Promise<S> {
  let state = initial;
  for (let i = 0; i < events.length; i += chunk) {
    if (i > 0) await nextTurn();
    state = fold(events.slice(i, i + chunk), state);
  }
  return state;
}
