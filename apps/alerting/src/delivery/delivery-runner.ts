import type { DeliveryView, NotificationPayload } from '@twinlog/domain';
import type { ChannelTarget } from './channel-target';
import {
  jitterFrom,
  permanentFailure,
  retryableFailure,
  type DeliveryOutcome,
} from './delivery-outcome';
import type { Mailer } from './email-sender';
import { sendNotification, type SendOptions } from './send-notification';
import { SealedTargetError } from './target-sealing';

export interface DueDelivery {
  view: DeliveryView;
  payload: NotificationPayload;
  groupKey: string;
}

export interface DeliveryRunnerOptions {
  /**
   * Pending deliveries due at `now`, oldest first (the projection's dueDeliveries): at most
   * `limit`, leaving out those `skip` names (in flight or held here).
   */
  due: (now: string, limit: number, skip: (deliveryId: string) => boolean) => DueDelivery[];
  /** The channel's opened target; undefined when the channel was deleted. May throw SealedTargetError. */
  targetOf: (channelId: string) => ChannelTarget | undefined;
  /**
   * Records an attempt's outcome (the engine decides its events with decideDeliveryOutcome,
   * passing `jitter` in [0, 1) to the backoff, and appends them). The delivery is not attempted
   * again before this settles.
   */
  record: (deliveryId: string, outcome: DeliveryOutcome, jitter: number) => Promise<void>;
  /** ALERTING_DELIVERY_CONCURRENCY */
  concurrency: number;
  /** ALERTING_DELIVERY_TIMEOUT_MS */
  timeoutMs: number;
  mailer?: Mailer;
  /** The service's clock; a finished attempt also starts the next due ones without waiting for a tick. */
  now?: () => Date;
  random?: () => number;
  /** Where a failed `record` is reported (the delivery is held, then tried again). */
  onError?: (message: string) => void;
  /** For tests: the sender. */
  send?: (
    target: ChannelTarget,
    payload: NotificationPayload,
    options: SendOptions,
  ) => Promise<DeliveryOutcome>;
}

/** A delivery whose outcome could not be recorded waits this long before it is sent again. */
const HOLD_AFTER_RECORD_FAILURE_MS = 10_000;

/**
 * The delivery worker: each tick starts the due deliveries, at most `concurrency` attempts in
 * flight and never two of one delivery. An attempt runs on its own promise, so a slow receiver
 * holds a slot, not the ticker. Stopping waits for attempts in flight, then aborts them: an
 * aborted attempt records nothing, so the delivery is still pending in the log and is sent
 * again after the restart (at least once; the receiver drops the repeat by delivery id).
 */
export class DeliveryRunner {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly heldUntil = new Map<string, number>();
  private readonly stopping = new AbortController();
  private stopped = false;
  private readonly now: () => Date;
  private readonly send: NonNullable<DeliveryRunnerOptions['send']>;

  constructor(private readonly options: DeliveryRunnerOptions) {
    this.now = options.now ?? (() => new Date());
    this.send = options.send ?? sendNotification;
  }

  /** Attempts in flight now. */
  get running(): number {
    return this.inFlight.size;
  }

  /** Starts what is due at `now` and a free slot allows; returns how many it started. */
  tick(now: Date = this.now()): number {
    if (this.stopped) return 0;
    let free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    let started = 0;
    this.forgetHoldsBefore(now.getTime());
    const busy = (id: string) => this.inFlight.has(id) || this.heldUntil.has(id);
    // Only as many as there are free slots: after an outage thousands are due at once.
    for (const item of this.options.due(now.toISOString(), free, busy)) {
      if (free <= 0) break;
      const id = item.view.deliveryId;
      if (item.view.status !== 'pending' || busy(id)) continue;
      const attempt = this.attempt(item).finally(() => {
        this.inFlight.delete(id);
        if (this.options.now && !this.stopped) this.refill();
      });
      this.inFlight.set(id, attempt);
      free -= 1;
      started += 1;
    }
    return started;
  }

  private forgetHoldsBefore(time: number): void {
    for (const [id, until] of this.heldUntil) if (until <= time) this.heldUntil.delete(id);
  }

  private refill(): void {
    try {
      this.tick();
    } catch (error) {
      this.options.onError?.(`due deliveries could not be read: ${(error as Error).message}`);
    }
  }

  /**
   * Takes no new attempts; waits up to `graceMs` for those in flight, then aborts them and
   * waits (again at most `graceMs`) for them to settle.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    const settled = Promise.allSettled([...this.inFlight.values()]).then(() => true);
    if (await within(settled, graceMs)) return;
    this.stopping.abort();
    await within(settled, graceMs);
  }

  private async attempt(item: DueDelivery): Promise<void> {
    const id = item.view.deliveryId;
    const outcome = await this.outcomeOf(item);
    // Cut short by stop(): record nothing, so it stays pending and goes again after a restart.
    if (this.stopping.signal.aborted && !outcome.ok) return;
    try {
      await this.options.record(id, outcome, jitterFrom(this.options.random ?? Math.random));
    } catch (error) {
      this.heldUntil.set(id, this.now().getTime() + HOLD_AFTER_RECORD_FAILURE_MS);
      this.options.onError?.(
        `delivery ${id}: its outcome could not be recorded (${(error as Error).message}); it is sent again later`,
      );
    }
  }

  private async outcomeOf(item: DueDelivery): Promise<DeliveryOutcome> {
    let target: ChannelTarget | undefined;
    try {
      target = this.options.targetOf(item.view.channelId);
    } catch (error) {
      // Retried: once the right ALERTING_SECRET_KEY is restored, it goes out.
      return retryableFailure(
        error instanceof SealedTargetError ? error.message : 'the channel target cannot be opened',
      );
    }
    if (target === undefined) return permanentFailure('channel deleted');
    try {
      return await this.send(target, item.payload, {
        timeoutMs: this.options.timeoutMs,
        mailer: this.options.mailer,
        signal: this.stopping.signal,
        now: this.now,
      });
    } catch (error) {
      // A sender bug must not stall the worker: the attempt counts as failed and is retried.
      return retryableFailure(`sending failed: ${(error as Error).message}`);
    }
  }
}

/** Whether `promise` settles within `ms` (the timer does not keep the process alive). */
async function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
