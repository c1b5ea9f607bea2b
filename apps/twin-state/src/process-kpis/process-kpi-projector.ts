import { Inject, Injectable, Logger } from '@nestjs/common';
import { CURRENT_SCHEMA_VERSION, type ModelCatalog, type NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import {
  PROCESS_KPI_PRODUCER,
  ProcessKpiProjection,
  processKpiSettings,
  type KpiEmission,
  type ProcessKpiSettings,
} from '@twinlog/read-models';
import { CLOCK, EVENT_LOG, MODEL_CATALOG, type Clock } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TWIN_STATE_CONFIG } from '../tokens';

/**
 * Appends the process twins' key figures as their own readings (ADR 0021): the projection folds
 * the log (replayed from its start, then followed); once caught up, each minute of event time it
 * closes becomes one TelemetryReported of the process twin with deterministic ids. The minutes
 * already in the log are read back by the replay, so a restart or a second replay appends
 * nothing new. On the instance that takes commands only (TWIN_STATE_PROCESS_KPIS).
 */
@Injectable()
export class ProcessKpiProjector {
  private readonly logger = new Logger(ProcessKpiProjector.name);
  private readonly settings = new Map<string, ProcessKpiSettings | undefined>();
  readonly projection = new ProcessKpiProjection((type, version) => this.settingsOf(type, version));
  private following = false;
  private appending: Promise<void> = Promise.resolve();
  appended = 0;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
  ) {}

  fold(batch: RecordedEvent[]): void {
    this.projection.apply(batch.map((r) => r.event));
    if (this.following) this.flush();
  }

  caughtUp(): void {
    this.following = this.config.processKpis;
    if (this.following) this.flush();
  }

  /** Resolves once every append asked for so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.appending;
  }

  private flush(): void {
    const before = new Map(
      this.projection.processes().map((id) => [id, this.projection.emittedUpTo(id)]),
    );
    const due = this.projection.due();
    if (due.length === 0) return;
    const events = due.filter((d) => d.readings.length > 0).map((d) => this.eventOf(d));
    this.appending = this.appending.then(async () => {
      if (events.length === 0) return;
      try {
        await this.log.append(events);
        this.appended += events.length;
      } catch (error) {
        // Due again with the next batch (the log refuses the event ids of a partly written append).
        for (const [processId, at] of before) this.projection.forget(processId, at);
        this.logger.warn(`process figures not appended: ${(error as Error).message}`);
      }
    });
  }

  private eventOf({ processId, at, readings }: KpiEmission): NewEvent {
    const id = `process-kpis/${processId}/${at}`;
    return {
      type: 'TelemetryReported',
      data: { readings },
      id,
      twinId: processId,
      schemaVersion: CURRENT_SCHEMA_VERSION.TelemetryReported,
      occurredAt: new Date(at).toISOString(),
      recordedAt: this.clock(),
      correlationId: id,
      causationId: null,
      producer: PROCESS_KPI_PRODUCER,
    };
  }

  private settingsOf(type: string, version: number): ProcessKpiSettings | undefined {
    const key = `${type}@${version}`;
    if (!this.settings.has(key)) {
      const model = this.catalog.has(type, version) ? this.catalog.get(type, version) : undefined;
      this.settings.set(key, model && processKpiSettings(model));
    }
    return this.settings.get(key);
  }
}
