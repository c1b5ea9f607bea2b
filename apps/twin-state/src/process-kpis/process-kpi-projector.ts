import { Inject, Injectable, Logger } from '@nestjs/common';
import { CURRENT_SCHEMA_VERSION, type ModelCatalog, type NewEvent } from '@twinlog/domain';
import type { EventLog, LogPosition, RecordedEvent, Subscription } from '@twinlog/event-log';
import {
  isMachineModel,
  KPI_EVERY_MS,
  PROCESS_KPI_PRODUCER,
  ProcessKpiProjection,
  processKpiSettings,
  type KpiEmission,
  type ProcessKpiSettings,
} from '@twinlog/read-models';
import { CLOCK, EVENT_LOG, MODEL_CATALOG, type Clock } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TwinOwnership } from '../replicas/twin-ownership';
import { TWIN_STATE_CONFIG } from '../tokens';

const GROUP = 'twin-state-process-kpis';
const MAX_BATCH = 5_000;
/** How long twin-state's stop waits for the figures' follow and appends. */
const STOP_WAIT_MS = 10_000;
/** After a failed start (the log unreachable), the next try. */
const RETRY_MS = 5_000;
/** At most this many machines get their counter glitches logged (the count covers all). */
const MAX_GLITCH_LOGGED = 1_000;

/**
 * Appends the process twins' key figures as their own readings (ADR 0021), on the instance
 * that has TWIN_STATE_PROCESS_KPIS on, and nowhere else. It starts after twin-state is ready and
 * never holds readiness: it replays the hierarchy (twin-events) whole, but telemetry only from
 * the record time the projection still needs (now less two windows and the hold), then follows
 * both. Each minute of event time it closes becomes one TelemetryReported of the process twin;
 * the minutes already in the log are read back by that replay (events of PROCESS_KPI_PRODUCER),
 * so a restart appends nothing twice. A clock tick lets minutes close while the plant is silent.
 */
@Injectable()
export class ProcessKpiProjector {
  private readonly logger = new Logger(ProcessKpiProjector.name);
  private readonly settings = new Map<string, ProcessKpiSettings | undefined>();
  private readonly machineTypes = new Map<string, boolean>();
  projection = this.newProjection();
  private following = false;
  private appending: Promise<void> = Promise.resolve();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** twin-state is stopping: no lead is taken any more. */
  private stopping = false;
  private readonly glitchLogged = new Set<string>();
  appended = 0;
  /** Resolves once the start-up replay is done and the follow runs (tests, benchmarks). */
  ready: Promise<void> = Promise.resolve();
  /** With shared replicas: whether this one computes the figures now, and the changes queued. */
  private leading = false;
  private leadChanges: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly ownership: TwinOwnership,
  ) {}

  /**
   * Starts in the background where the setting is on; twin-state's readiness does not wait.
   * With shared replicas (ADR 0023) only the owner of partition 0 computes the figures, so
   * that one replica at a time appends them: it starts when the group gives it partition 0,
   * and stops when it hands it over.
   */
  start(): void {
    if (!this.config.processKpis) return;
    if (!this.ownership.shared) return this.begin();
    this.ownership.onOwned((owned) => this.lead(owned.includes(0)));
    this.lead(this.ownership.owns(0));
  }

  private lead(leading: boolean): void {
    this.leadChanges = this.leadChanges.then(async () => {
      if (leading === this.leading || (leading && this.stopping)) return;
      this.leading = leading;
      if (!leading) return this.halt();
      this.logger.log('this replica owns partition 0: it computes the process figures');
      this.begin();
    });
  }

  private begin(): void {
    this.stopped = false;
    this.following = false;
    this.projection = this.newProjection();
    this.glitchLogged.clear();
    this.ready = this.run();
  }

  private newProjection(): ProcessKpiProjection {
    return new ProcessKpiProjection(
      (type, version) => this.settingsOf(type, version),
      (type, version) => this.isMachine(type, version),
    );
  }

  /**
   * Bounded: twin-state's clean stop must not wait on the figures (a minute not appended is
   * appended again after the next start's replay, with the same id).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.leadChanges;
    await this.halt();
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const done = (async () => {
      await this.ready.catch(() => undefined);
      await this.subscription?.stop();
      await this.appending;
    })().then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), STOP_WAIT_MS);
      timer.unref();
    });
    const finished = await Promise.race([done, waited]);
    clearTimeout(timer);
    if (!finished)
      this.logger.warn(
        `process figures: not stopped within ${STOP_WAIT_MS} ms; left behind (the next start appends what is missing)`,
      );
  }

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

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.replayThenFollow();
        return;
      } catch (error) {
        this.logger.warn(
          `process figures not started (retrying in ${RETRY_MS} ms): ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }

  private async replayThenFollow(): Promise<void> {
    const started = Date.now();
    // The replay shares the event loop with the requests twin-state answers: let them in between batches.
    const fold = async (batch: RecordedEvent[]) => {
      this.fold(batch);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const hierarchy = await this.log.replay(
      { streams: ['twin-events'], maxBatchSize: MAX_BATCH },
      fold,
    );
    // The window is known once the models are: nothing recorded before this is needed.
    const since = Date.parse(this.clock()) - this.projection.retainedMs;
    const readings = await this.log.replay(
      {
        streams: ['telemetry'],
        from: { kind: 'time', recordedAt: new Date(since).toISOString() },
        maxBatchSize: MAX_BATCH,
      },
      fold,
    );
    if (this.stopped) return;
    this.caughtUp();
    const startAt: LogPosition[] = [...hierarchy.next, ...readings.next];
    this.subscription = await this.log.subscribe({
      group: GROUP,
      streams: ['twin-events', 'telemetry'],
      broadcast: true,
      startAt,
      maxBatchSize: MAX_BATCH,
      handler: async (batch) => this.fold(batch),
    });
    this.timer = setInterval(() => this.tick(), KPI_EVERY_MS);
    this.timer.unref();
    this.logger.log(
      `process figures ready: ${this.projection.processes().length} process twins from ${hierarchy.events} twin events and ${readings.events} readings events in ${Date.now() - started} ms`,
    );
  }

  /** The log's time moves with the clock even when nothing is appended (a plant-wide stop). */
  private tick(): void {
    this.projection.observe(Date.parse(this.clock()));
    this.flush();
  }

  private flush(): void {
    this.logGlitches();
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

  /** Once per machine: a counter that jumped implausibly (its steps are ignored, and counted). */
  private logGlitches(): void {
    for (const g of this.projection.takeGlitches()) {
      if (this.glitchLogged.has(g.twinId) || this.glitchLogged.size >= MAX_GLITCH_LOGGED) continue;
      this.glitchLogged.add(g.twinId);
      this.logger.warn(
        `process figures ignore ${g.twinId}'s ${g.property} step ${g.from} → ${g.to} at ${g.at}: more than the window allows at the ideal cycle time (a glitch or a swapped counter; later ones on this machine are counted, not logged)`,
      );
    }
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

  private isMachine(type: string, version: number): boolean {
    const key = `${type}@${version}`;
    let machine = this.machineTypes.get(key);
    if (machine === undefined) {
      machine = this.catalog.has(type, version) && isMachineModel(this.catalog.get(type, version));
      this.machineTypes.set(key, machine);
    }
    return machine;
  }
}
