import { HttpProblem } from '../http/http-problem';

/**
 * Whether a service has finished its start-up work (replaying read models, refilling windows).
 * Each step registers itself and says when it is done; the ready probe, and any request that
 * must not be answered from a half-built state, ask here.
 */
export class ServiceReadiness {
  // Keyed by a token of each step, not its words: two steps described alike are still two.
  private readonly waiting = new Map<symbol, string>();

  /** Registers a start-up step; call the returned function once it is done. */
  begin(step: string): () => void {
    const token = Symbol(step);
    this.waiting.set(token, step);
    return () => this.waiting.delete(token);
  }

  /** Registers `work` as a step now (so the probe names it before it runs); run it later. */
  track(what: string, work: () => Promise<void>): () => Promise<void> {
    const done = this.begin(what);
    return async () => {
      await work();
      done();
    };
  }

  get ready(): boolean {
    return this.waiting.size === 0;
  }

  /** The steps still running, in the order they began. */
  get pending(): string[] {
    return [...this.waiting.values()];
  }

  /** Throws 503 NOT_READY (with Retry-After) while a start-up step is running. */
  assertReady(): void {
    if (this.ready) return;
    throw new HttpProblem(
      503,
      'NOT_READY',
      `Starting: still ${this.pending.join(', ')}`,
      { waitingFor: this.pending },
      { 'Retry-After': '5' },
    );
  }
}
