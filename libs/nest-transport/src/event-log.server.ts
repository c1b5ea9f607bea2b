import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { StreamName } from '@twinlog/domain';
import type {
  EventLog,
  LogPosition,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '@twinlog/event-log';

/** The one pattern handlers subscribe with: each takes a whole batch (RecordedEvent[]) in log order. */
export const BATCH_PATTERN = '$batch';

export interface EventLogServerOptions {
  log: EventLog;
  /** Consumer group: instances of one service share the partitions. */
  group: string;
  streams: StreamName[];
  maxBatchSize?: number;
  /** See SubscribeOptions.onAssignment. */
  onAssignment?: SubscribeOptions['onAssignment'];
  /** See SubscribeOptions.concurrentPartitions. */
  concurrentPartitions?: number;
  /** See SubscribeOptions.broadcast: each instance gets every event and commits nothing. */
  broadcast?: boolean;
  /** See SubscribeOptions.startAt (broadcast only). */
  startAt?: LogPosition[];
  /** See SubscribeOptions.fromBeginning: where a new group starts (default: the beginning). */
  fromBeginning?: boolean;
  /**
   * Tells this server's handlers apart when an app runs several (one per subscription):
   * `@EventPattern(pattern, transportId)` binds a handler to this server only.
   */
  transportId?: symbol;
}

/**
 * A NestJS microservice transport on Twinlog's event log, so the same `@EventPattern` handlers
 * run over Kafka and in the embedded mode. Each batch goes, whole and in log order, to the
 * server's `$batch` handler (BATCH_PATTERN); handlers pick the event types they care about
 * themselves. Offsets are committed only after the handler resolved. A handler that throws a
 * TwinlogError refuses an event for good: the batch is narrowed down, that event is
 * dead-lettered and the rest go on; any other error is retried (see deliverBatch in
 * libs/event-log); install RethrowExceptionFilter so the transport sees handlers' real errors.
 * Nest's stock Kafka transport handles one message at a time and stalls a partition on a
 * failing one.
 */
export class EventLogServer extends Server implements CustomTransportStrategy {
  private subscription: Subscription | undefined;
  protected override readonly logger = new Logger(EventLogServer.name);

  constructor(private readonly options: EventLogServerOptions) {
    super();
    if (options.transportId) this.transportId = options.transportId;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.refuseOtherPatterns();
      this.subscription = await this.options.log.subscribe({
        group: this.options.group,
        streams: this.options.streams,
        ...(this.options.maxBatchSize ? { maxBatchSize: this.options.maxBatchSize } : {}),
        ...(this.options.concurrentPartitions
          ? { concurrentPartitions: this.options.concurrentPartitions }
          : {}),
        ...(this.options.onAssignment ? { onAssignment: this.options.onAssignment } : {}),
        ...(this.options.broadcast ? { broadcast: true } : {}),
        ...(this.options.startAt ? { startAt: this.options.startAt } : {}),
        ...(this.options.fromBeginning === false ? { fromBeginning: false } : {}),
        handler: (batch) => this.dispatch(batch),
      });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  on(): never {
    throw new Error('EventLogServer has no transport events to listen to');
  }

  unwrap<T>(): T {
    return this.options.log as T;
  }

  private async dispatch(batch: RecordedEvent[]): Promise<void> {
    const handler = this.getHandlerByPattern(BATCH_PATTERN);
    if (handler) await settle(handler(batch));
  }

  /** A handler bound to an event type would never run: say so at start-up, not by silence. */
  private refuseOtherPatterns(): void {
    const others = [...this.getHandlers().keys()].filter((p) => p !== BATCH_PATTERN);
    if (others.length > 0) {
      throw new Error(
        `EventLogServer hands whole batches to @EventPattern(BATCH_PATTERN) handlers only; found ${others.join(', ')}`,
      );
    }
  }
}

/** Nest handlers may return a value, a promise or an observable; wait for whichever it is. */
async function settle(result: unknown): Promise<void> {
  const value = await result;
  if (isObservable(value)) await lastValueFrom(value, { defaultValue: undefined });
}
