import type { LoggerService } from '@nestjs/common';
import {
  physicallyPossible,
  type EventEnvelope,
  type ModelCatalog,
  type NewEvent,
  type TwinState,
} from '@twinlog/domain';
import { StatefulStreamConsumer, type EventLog, type RecordedEvent } from '@twinlog/event-log';
import type { TwinDirectory } from '@twinlog/read-models';

type TelemetryEvent = Extract<EventEnvelope, { type: 'TelemetryReported' }>;

/** One telemetry event of a known twin, its physically impossible readings left out. */
export interface TwinReadings {
  partition: number;
  twin: TwinState;
  event: TelemetryEvent;
  readings: TelemetryEvent['data']['readings'];
  /** Replayed to rebuild state: observe it, append nothing. */
  silent: boolean;
}

export interface TwinTelemetryOptions {
  /** What the state is, in the log lines: "detector state", "health models". */
  what: string;
  /** How long a reading waits for its twin's registration to reach the directory. */
  directoryWaitMs: number;
  logger: Pick<LoggerService, 'log' | 'warn'>;
  /** The readings of a known twin: returns the events to append before the batch commits. */
  observe(readings: TwinReadings): NewEvent[];
  /** A partition was taken away: its state goes. */
  drop(partition: number): void;
}

/**
 * The telemetry side of a worker whose state is rebuilt from its partitions (anomaly detection,
 * maintenance prediction): it looks each event's twin up in the directory (waiting briefly for a
 * registration still on its way), counts and logs telemetry of twins it does not know, leaves
 * physically impossible readings out, and logs each partition's rebuild and a long one's progress.
 */
export class TwinTelemetryConsumer {
  private readonly consumer: StatefulStreamConsumer;
  /** Readings of known twins whose batch was handled; telemetry events of unknown twins. */
  readonly counts = { readingsFed: 0, unknownTwins: 0 };

  constructor(
    log: EventLog,
    private readonly directory: TwinDirectory,
    private readonly catalog: ModelCatalog,
    private readonly options: TwinTelemetryOptions,
  ) {
    const { logger, what } = options;
    this.consumer = new StatefulStreamConsumer(
      log,
      'telemetry',
      {
        feed: (partition, event, silent) => this.feed(partition, event, silent),
        drop: (partition) => options.drop(partition),
      },
      (r) =>
        logger.log(
          `telemetry partition ${r.partition}: ${what} rebuilt from offsets ${r.from}-${r.upTo - 1} (${r.events} events in ${r.ms} ms)`,
        ),
      (r) =>
        logger.log(
          `telemetry partition ${r.partition}: rebuilding ${what}, ${r.events}${r.total ? ` of ${r.total}` : ''} events replayed in ${Math.round(r.ms / 1000)} s`,
        ),
    );
  }

  /** Events appended and partition restores so far. */
  get stats(): { appended: number; restores: number } {
    return this.consumer.stats;
  }

  /** The telemetry partitions this worker holds (after the latest rebalance). */
  get partitions(): number[] {
    return this.consumer.partitions;
  }

  assigned(partitions: number[]): void {
    this.consumer.assigned(partitions);
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const fed = await this.consumer.handle(batch);
    // Counted once the batch's events are appended, so a reader of the counters sees them in the log.
    for (const { event } of fed)
      if (event.type === 'TelemetryReported' && this.directory.get(event.twinId))
        this.counts.readingsFed += event.data.readings.length;
  }

  private async feed(
    partition: number,
    event: EventEnvelope,
    silent: boolean,
  ): Promise<NewEvent[]> {
    if (event.type !== 'TelemetryReported') return [];
    const twin = await this.directory.waitFor(event.twinId, this.options.directoryWaitMs);
    if (!twin || twin.status === 'unregistered') {
      // Ingestion validated the twin, so this is someone writing around it: say so, move on.
      this.counts.unknownTwins += 1;
      if (!silent)
        this.options.logger.warn(
          `telemetry for unknown twin ${event.twinId} (event ${event.id}) not used for ${this.options.what}`,
        );
      return [];
    }
    const readings = physicallyPossible(event.data.readings, twin, this.catalog);
    return this.options.observe({ partition, twin, event, readings, silent });
  }
}
