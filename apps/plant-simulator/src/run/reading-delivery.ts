import type { SimReading } from '@twinlog/plant-sim';
import { backoffMs, sleep, TransientError } from '../senders/backoff';
import {
  BatchTooLargeError,
  type BatchOutcome,
  type ReadingSender,
} from '../senders/reading-sender';
import type { PlantRegistration } from './plant-registration';
import type { RunContext } from './run-context';

/**
 * Delivers batches of readings to the target and counts its verdicts. Nothing is dropped: a
 * target that is down is retried with backoff, a batch too large is sent in halves, and a
 * twin the run just registered that ingestion does not know yet is sent again. Only the run's
 * hard stop (the drain timeout) gives readings up, and they are counted as unsent.
 */
export class ReadingDelivery {
  /** Readings handed to the sender and not answered yet. */
  inFlight = 0;
  /** Readings given up on when the drain timeout ran out. */
  unsent = 0;
  private readonly codesSeen = new Set<string>();

  constructor(
    private readonly run: RunContext,
    private readonly sender: ReadingSender,
    private readonly overMqtt: boolean,
    private readonly registration: PlantRegistration | undefined,
  ) {}

  async deliver(batch: SimReading[]): Promise<void> {
    this.inFlight += batch.length;
    try {
      await this.deliverAll(batch);
    } finally {
      this.inFlight -= batch.length;
    }
  }

  /** Delivers a batch, retrying what can be retried, until it is answered or the run gives up. */
  private async deliverAll(batch: SimReading[]): Promise<void> {
    const { stats, hardStop } = this.run;
    let pending = batch;
    let attempt = 0;
    while (pending.length > 0) {
      if (hardStop.aborted) {
        this.unsent += pending.length;
        return;
      }
      let outcome: BatchOutcome;
      try {
        outcome = await this.sender.send(pending);
      } catch (error) {
        if (error instanceof BatchTooLargeError && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          this.run.log(`${error.message}: sending halves of ${half}`);
          await this.deliverAll(pending.slice(0, half));
          await this.deliverAll(pending.slice(half));
          return;
        }
        if (!(error instanceof TransientError)) throw error;
        stats.retries++;
        this.run.setTrouble(error.message);
        await sleep(error.retryAfterMs ?? backoffMs(attempt++), hardStop);
        continue;
      }
      if (!this.overMqtt) this.run.setTrouble(null);
      attempt = 0;
      pending = this.account(pending.length, outcome);
      if (pending.length > 0) await sleep(250, hardStop);
    }
  }

  /** Counts the verdicts; returns readings to send again (twins this run just registered). */
  private account(size: number, outcome: BatchOutcome): SimReading[] {
    const { stats } = this.run;
    const again: SimReading[] = [];
    const now = Date.now();
    for (const r of outcome.rejected) {
      if (
        r.code === 'TWIN_NOT_FOUND' &&
        this.registration?.justRegistered(r.reading.twinId, now) === true
      ) {
        again.push(r.reading);
        continue;
      }
      stats.rejected++;
      stats.rejectedByCode[r.code] = (stats.rejectedByCode[r.code] ?? 0) + 1;
      if (!this.codesSeen.has(r.code)) {
        this.codesSeen.add(r.code);
        this.run.log(
          `rejected ${r.reading.twinId}/${r.reading.property} at ${r.reading.time}: ${r.code} ${r.message} (further ${r.code} only counted)`,
        );
      }
    }
    if (again.length > 0) stats.retries++;
    stats.sent += size - again.length;
    stats.accepted += outcome.accepted;
    stats.duplicates += outcome.duplicates;
    return again;
  }
}
