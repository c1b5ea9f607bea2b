import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AlertsProjection,
  decideCommand,
  decideDeliveryOutcome,
  decideDue,
  decideOnTwinEvent,
  decideSilences,
  type AlertCommand,
  type DecidedAlertEvent,
  type EventEnvelope,
} from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import { CLOCK, EVENT_LOG, type Clock } from '@twinlog/service-kit';
import type { AlertingConfig } from '../config/alerting.config';
import { ALERTING_CONFIG } from '../tokens';
import { AlertTwins } from '../twins/alert-twins';
import { alertLogLines } from './alert-log-lines';
import { DecisionQueue } from './decision-queue';
import type { DeliveryOutcome } from '../delivery';
import { producerOf, recordedEnvelopes, stampAlertEvents } from './stamp-alert-events';

/** The twin-events that can open or clear an alert's cause (ADR 0019 §3). */
const CAUSE_TYPES = new Set([
  'AnomalyDetected',
  'AnomalyEscalated',
  'AnomalyCleared',
  'MaintenancePredicted',
  'MaintenancePerformed',
  'TwinRetired',
]);

/**
 * Clock time without a batch of readings recorded before the start after which the silence
 * group counts as caught up (it reads the stream's end, or nothing newer comes).
 */
const BACKLOG_IDLE_MS = 10_000;

/**
 * The single writer of alert decisions. Every input (a cause from twin-events, a tick, a
 * person's command, a delivery's outcome) goes through one queue: the pure core decides from
 * the projection, the events are stamped and appended, then applied to the projection at once,
 * so the next decision (and the command's answer) sees them. Ids come from the core, derived
 * from what caused them: a cause delivered twice or a restart mid-decision appends nothing new.
 */
@Injectable()
export class AlertDecisions {
  private readonly logger = new Logger('AlertingService');
  private readonly queue = new DecisionQueue();
  /**
   * Each twin's last reading record time (the silence watcher's input): only twins that have
   * reported are in it. Readings recorded before this start count as seen at the start.
   */
  readonly lastSeen = new Map<string, string>();
  /** This start (seedLastSeen): a restart never raises silence alarms from its own backlog. */
  private watchFrom: string | null = null;
  /**
   * Partitions of telemetry whose last batch held only readings recorded before the start, with
   * the clock time it was handled: silence waits until the backlog is worked through.
   */
  private readonly behind = new Map<number, number>();
  /** Telemetry events the silence group has been given (a diagnostic for tests). */
  telemetryNoted = 0;
  private readonly listeners: Array<(recorded: readonly EventEnvelope[]) => void> = [];

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(ALERTING_CONFIG) private readonly config: AlertingConfig,
    readonly projection: AlertsProjection,
    readonly twins: AlertTwins,
  ) {}

  /** One batch of the causes group: each cause decided and appended before the batch commits. */
  async onCauses(batch: readonly RecordedEvent[]): Promise<void> {
    for (const { event } of batch) {
      if (!CAUSE_TYPES.has(event.type)) continue;
      // The broadcast directory can be behind the causes group: wait briefly for the twin.
      await this.twins.directory.waitFor(event.twinId, this.config.directoryWaitMs);
      await this.decide((now) => this.causeDecision(event, now), {
        producer: producerOf(null),
        correlationId: event.correlationId,
      });
    }
  }

  /**
   * A finding the core refuses to decide on (a bug, or a shape it cannot read) is logged and
   * skipped: redelivering it would refuse it again and hold every later cause behind it. A
   * failed append, by contrast, rejects the batch, which is then retried.
   */
  private causeDecision(event: EventEnvelope, now: string): DecidedAlertEvent[] {
    try {
      return decideOnTwinEvent(this.projection, this.twins.lookup, event, now, this.settings);
    } catch (error) {
      this.logger.error(
        `${event.type} ${event.id} on ${event.twinId} skipped: no alert decision could be made (${(error as Error).message})`,
      );
      return [];
    }
  }

  /** One batch of the silence group: only when each twin last reported. */
  onReadings(batch: readonly RecordedEvent[]): void {
    this.telemetryNoted += batch.length;
    const newest = new Map<number, string>();
    for (const { event, position } of batch) {
      const { twinId, recordedAt } = event;
      if ((newest.get(position.partition) ?? '') < recordedAt)
        newest.set(position.partition, recordedAt);
      // A reading from before its silence was declared (a backlog) does not end the silence.
      const silentSince = this.silentSince(twinId);
      if (silentSince !== undefined && recordedAt <= silentSince) continue;
      const seen =
        this.watchFrom !== null && recordedAt < this.watchFrom ? this.watchFrom : recordedAt;
      const before = this.lastSeen.get(twinId);
      if (before === undefined || seen > before) this.lastSeen.set(twinId, seen);
    }
    if (this.watchFrom === null) return;
    for (const [partition, recordedAt] of newest) {
      if (recordedAt < this.watchFrom) this.behind.set(partition, Date.parse(this.clock()));
      else this.behind.delete(partition);
    }
  }

  /**
   * At a start: the twins the log shows have reported count as seen now (a restart never raises
   * a silence alarm for the time the service was away); a twin that never reported is never
   * watched until it does. Twins whose silence alert is still open stay out, or the restart
   * would count them as just seen and resolve it: their next reading clears it.
   */
  seedLastSeen(now: string): void {
    this.watchFrom = now;
    for (const [twinId, seen] of this.lastSeen) if (seen < now) this.lastSeen.set(twinId, now);
    for (const twinId of this.twins.reported())
      if (!this.lastSeen.has(twinId) && this.silentSince(twinId) === undefined)
        this.lastSeen.set(twinId, now);
  }

  /** When the twin's open silence cause began, if it has one. */
  private silentSince(twinId: string): string | undefined {
    return this.projection.book
      .activeCausesOf(twinId)
      .find(({ member }) => member.cause.kind === 'silence')?.member.since;
  }

  /** Whether the silence group has worked through the telemetry recorded before the start. */
  private caughtUp(now: string): boolean {
    const at = Date.parse(now);
    for (const [partition, handledAt] of this.behind)
      if (at - handledAt >= BACKLOG_IDLE_MS) this.behind.delete(partition);
    return this.behind.size === 0;
  }

  /** Due work at the clock's now: escalations, group-update holds, held deliveries, silence. */
  async tick(): Promise<string> {
    return this.queue.run(async () => {
      const now = this.clock();
      await this.decideNow(now, decideDue(this.projection, this.twins.lookup, now, this.settings));
      if (this.caughtUp(now))
        await this.decideNow(
          now,
          decideSilences(this.projection, this.twins.lookup, this.lastSeen, now, this.settings),
        );
      return now;
    });
  }

  command(
    command: AlertCommand,
    commandId: string,
    actor: string | null,
  ): Promise<EventEnvelope[]> {
    return this.decide(
      (now) =>
        decideCommand(
          this.projection,
          this.twins.lookup,
          command,
          commandId,
          actor,
          now,
          this.settings,
        ),
      { producer: producerOf(actor), correlationId: commandId },
    );
  }

  /**
   * Records what a delivery attempt came to (delivered, retry later, or dead). `jitter` in
   * [0, 1) is the delivery worker's randomness; the backoff it scales is the core's.
   */
  async recordOutcome(deliveryId: string, outcome: DeliveryOutcome, jitter: number): Promise<void> {
    await this.decide(
      (now) =>
        decideDeliveryOutcome(this.projection, deliveryId, outcome, now, this.settings, jitter),
      { producer: producerOf(null), correlationId: null },
    );
  }

  /** Called with the events of every decision once they are recorded and applied. */
  onRecorded(listener: (recorded: readonly EventEnvelope[]) => void): void {
    this.listeners.push(listener);
  }

  /** Everything queued so far decided and recorded. */
  drained(): Promise<void> {
    return this.queue.drained();
  }

  get settings() {
    return this.config.settings;
  }

  private decide(
    decide: (now: string) => DecidedAlertEvent[],
    meta: { producer: string; correlationId: string | null },
  ): Promise<EventEnvelope[]> {
    return this.queue.run(async () => {
      const now = this.clock();
      return this.decideNow(now, decide(now), meta);
    });
  }

  /** Inside the queue: stamps, appends, applies at once, and says what happened in plain words. */
  private async decideNow(
    now: string,
    decided: DecidedAlertEvent[],
    meta: { producer: string; correlationId: string | null } = {
      producer: producerOf(null),
      correlationId: null,
    },
  ): Promise<EventEnvelope[]> {
    if (decided.length === 0) return [];
    const events = stampAlertEvents(decided, { recordedAt: now, ...meta });
    const { appended } = await this.log.append(events);
    const recorded = recordedEnvelopes(events, appended);
    this.projection.apply(recorded);
    for (const { level, line } of alertLogLines(recorded)) this.logger[level](line);
    for (const listener of this.listeners) listener(recorded);
    return recorded;
  }
}
