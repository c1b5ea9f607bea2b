import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConcurrencyGate } from '@twinlog/ai';
import { HttpProblem } from '@twinlog/service-kit';

/**
 * Reads that fold or page a twin's whole stream (history, diff, the audit trail, provenance) run
 * a few at a time: node:sqlite reads synchronously, so sixteen of them at once held the event
 * loop for seconds and an ingestion POST waited behind them. Callers beyond the queue get 503
 * BUSY with Retry-After instead of a growing wait.
 */
export class HeavyReads {
  private readonly gate: ConcurrencyGate;

  constructor(
    /** Reads running at once; each still yields between chunks (see foldInChunks). */
    concurrency = 2,
    /** Reads waiting for a turn before more are refused. */
    maxQueued = 32,
    /** What waits, in the 503's message. */
    what = 'history, diff, audit or provenance reads',
  ) {
    this.gate = new ConcurrencyGate(
      concurrency,
      maxQueued,
      ({ waiting }) =>
        new HttpProblem(
          503,
          'BUSY',
          `${waiting} ${what} are already waiting; retry shortly`,
          { waiting },
          { 'Retry-After': '1' },
        ),
    );
  }

  /** `signal`: the caller went away; a read still waiting leaves the queue and never runs. */
  run<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.gate.run(async () => {
      // Let requests already in the queue (a reading, a cheap query) go first.
      await nextTurn();
      signal?.throwIfAborted();
      return read();
    }, signal);
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
