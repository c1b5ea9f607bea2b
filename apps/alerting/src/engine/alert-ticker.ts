import { Inject, Injectable, Logger } from '@nestjs/common';
import { ALERTING_CONFIG_KEY, DEFAULT_ALERT_RULE } from '@twinlog/domain';
import { CLOCK, type Clock } from '@twinlog/service-kit';
import type { AlertingConfig } from '../config/alerting.config';
import { DeliveryRunner } from '../delivery';
import { ALERTING_CONFIG } from '../tokens';
import { AlertDecisions } from './alert-decisions';
import { ChannelTargets } from './channel-targets';

/** Events after which something may be due to send at once. */
const SENDABLE = new Set(['AlertNotificationQueued', 'AlertDeliveryRequeued']);

/**
 * The service's clock-driven work: every ALERTING_TICK_MS, the due decisions (escalations,
 * silent twins, group-update holds) at the CLOCK port's now, then the deliveries due by then.
 * A notification queued by a decision is sent at once, without waiting for the tick. A tick
 * still running when the next is due makes that one skip: ticks never pile up.
 */
@Injectable()
export class AlertTicker {
  private readonly logger = new Logger('AlertingService');
  private readonly runner: DeliveryRunner;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly decisions: AlertDecisions,
    targets: ChannelTargets,
    @Inject(ALERTING_CONFIG) private readonly config: AlertingConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    const { projection } = decisions;
    this.runner = new DeliveryRunner({
      due: (now, limit, skip) => projection.dueDeliveries(now, limit, skip),
      targetOf: targets.targetOf,
      record: (deliveryId, outcome, jitter) => decisions.recordOutcome(deliveryId, outcome, jitter),
      concurrency: config.delivery.concurrency,
      timeoutMs: config.delivery.timeoutMs,
      ...(targets.mailer ? { mailer: targets.mailer } : {}),
      now: () => new Date(clock()),
      onError: (message) => this.logger.warn(message),
    });
    decisions.onRecorded((recorded) => {
      if (this.timer !== undefined && recorded.some((e) => SENDABLE.has(e.type))) this.send();
    });
  }

  async start(): Promise<void> {
    const now = this.decisions.clock();
    this.decisions.seedLastSeen(now);
    // The embedded demo's rule (ADR 0019 §8), set once when no rule was ever set.
    if (this.config.defaultRule && !this.decisions.projection.everSetRule) {
      // A fixed command id: its event id is the same on every start, so a restart adds nothing.
      await this.decisions.command(
        { kind: 'set-rule', rule: DEFAULT_ALERT_RULE },
        `${ALERTING_CONFIG_KEY}/default-rule`,
        null,
      );
      this.logger.log(
        'default rule set: every warning and above goes to every channel (add one with POST /v1/alert-channels)',
      );
    }
    this.timer = setInterval(() => void this.tickOnce(), this.config.tickMs);
    // Deliveries left pending by the last run go out now, not a tick later.
    void this.tickOnce();
  }

  /** One tick now (tests drive the clock and call it). */
  tickOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.tick().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Attempts in flight. */
  get sending(): number {
    return this.runner.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.runner.stop();
    await this.decisions.drained();
  }

  private async tick(): Promise<void> {
    try {
      await this.decisions.tick();
      if (this.timer !== undefined) this.send();
    } catch (error) {
      // The log may be unreachable for a while: the next tick tries again.
      this.logger.warn(`due work not decided this tick: ${(error as Error).message}`);
    }
  }

  private send(): void {
    try {
      this.runner.tick();
    } catch (error) {
      this.logger.warn(`due deliveries not read this tick: ${(error as Error).message}`);
    }
  }
}
