import { Inject, Injectable } from '@nestjs/common';
import {
  foldTwin,
  initialTwinState,
  TwinlogError,
  type ModelCatalog,
  type TwinModel,
  type TwinState,
} from '@twinlog/domain';
import { physicsModelFor, propertiesOf, type SimulationSubject } from '@twinlog/physics';
import type { EventLog } from '@twinlog/event-log';
import { EVENT_LOG, MODEL_CATALOG, TELEMETRY_STORE } from '@twinlog/service-kit';
import type { SeriesPoint, TelemetryStore } from '@twinlog/telemetry-store';
import type { SimulationConfig } from '../config/simulation.config';
import { SIMULATION_CONFIG } from '../tokens';

export interface LoadedSubject {
  subject: SimulationSubject;
  state: TwinState;
  model: TwinModel;
}

/**
 * Gathers what a run needs about a twin at a time (docs/adr/0006): its registration, limits
 * and maintenance resets folded from its twin-events stream in the log (up to T by event time
 * for time travel), and its readings from the telemetry store: the calibration window before
 * T, and the latest of each property within the start look-back.
 */
@Injectable()
export class TwinSubjects {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig,
  ) {}

  /**
   * The site of a twin as it is now (a twin's site never changes); undefined when it was never
   * registered. Read before anything else, so a caller of other sites learns nothing of it.
   */
  async siteOf(twinId: string): Promise<string | null | undefined> {
    const events = await this.log.readStream(twinId, { streams: ['twin-events'] });
    const state = foldTwin(events, initialTwinState(twinId));
    return state.status === 'unregistered' ? undefined : state.site;
  }

  /** The state the twin is in at `startAt`; `timeTravel` when that is a past time asked for. */
  async load(
    twinId: string,
    startAt: string,
    timeTravel: boolean,
    calibrationWindowSeconds: number,
  ): Promise<LoadedSubject> {
    const { state, model } = await this.stateAt(twinId, startAt, timeTravel);
    const properties = propertiesOf(physicsModelFor(model.type));
    const readings = await this.readings(twinId, properties, startAt, calibrationWindowSeconds);
    return {
      state,
      model,
      subject: {
        twinId,
        twinModel: model,
        limits: state.limits,
        resetAt: state.resetAt,
        readings,
        startAt,
      },
    };
  }

  /** The twin's registration and limits at `startAt`, and its model (no readings). */
  async stateAt(
    twinId: string,
    startAt: string,
    timeTravel: boolean,
  ): Promise<{ state: TwinState; model: TwinModel }> {
    const events = await this.log.readStream(twinId, {
      streams: ['twin-events'],
      ...(timeTravel ? { occurredUntil: startAt } : {}),
    });
    const state = foldTwin(events, initialTwinState(twinId));
    if (state.status === 'unregistered') {
      throw new TwinlogError(
        'TWIN_NOT_FOUND',
        timeTravel
          ? `Twin ${twinId} did not exist at ${startAt} (event time)`
          : `Twin ${twinId} is not registered`,
        { twinId, ...(timeTravel ? { at: startAt } : {}) },
      );
    }
    if (state.status === 'retired' && !timeTravel) {
      throw new TwinlogError(
        'TWIN_RETIRED',
        `Twin ${twinId} was retired at ${state.retiredAt}; simulate it from a time before that with "at"`,
        { twinId, retiredAt: state.retiredAt },
      );
    }
    return { state, model: this.catalog.get(state.twinType, state.modelVersion) };
  }

  /** The calibration window, plus the latest earlier reading of any property silent in it. */
  private async readings(
    twinId: string,
    properties: string[],
    startAt: string,
    windowSeconds: number,
  ): Promise<SeriesPoint[]> {
    const startMs = Date.parse(startAt);
    const iso = (ms: number) => new Date(ms).toISOString();
    const windowFrom = startMs - windowSeconds * 1000;
    // The store's end is exclusive: a reading taken at the start itself belongs to the run.
    const recent = await this.store.query({
      twinId,
      properties,
      from: iso(windowFrom),
      to: iso(startMs + 1),
    });
    const silent = properties.filter((p) => !recent.some((r) => r.property === p));
    const lookbackFrom = startMs - this.config.startLookbackSeconds * 1000;
    if (silent.length === 0 || lookbackFrom >= windowFrom) return recent;
    const older = await this.store.query({
      twinId,
      properties: silent,
      from: iso(lookbackFrom),
      to: iso(windowFrom),
    });
    const latest = new Map<string, SeriesPoint>();
    for (const point of older) latest.set(point.property, point); // time order: the last wins
    return [...latest.values(), ...recent];
  }
}
