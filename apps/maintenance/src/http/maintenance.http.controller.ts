import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { rollUpMaintenance, type MaintenanceRollUp } from '@twinlog/analytics';
import { bounded, TwinlogError, type EventEnvelope, type TwinState } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import {
  badCursor,
  Caller,
  Describe,
  EVENT_LOG,
  filtersOf,
  maySee,
  orderedRange,
  PageCursor,
  pageLimit,
  pagingParams,
  type Principal,
  q,
  QueryParams,
  ServiceReadiness,
} from '@twinlog/service-kit';
import { z } from 'zod';
import type { MaintenanceConfig } from '../config/maintenance.config';
import { MAINTENANCE_CONFIG } from '../tokens';
import { TwinEventsView } from '../twins/twin-events-view';
import { CURRENT_ANSWER, HISTORY_ANSWER, ROLLUP_ANSWER } from './maintenance-answers';

const NOT_FOUND = {
  404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
  503: 'NOT_READY: the twins are still loading (Retry-After)',
};

/** `?from=&to=&limit=&cursor=`: the predictions in log order, optionally in [from, to) of event time. */
const HISTORY_QUERY = z
  .object({ from: q.time().optional(), to: q.time().optional(), ...pagingParams() })
  .superRefine(orderedRange());
/** A page of the history continues after a position among the twin's predictions. */
const HISTORY_CURSOR = new PageCursor('maintenance-history', z.int().min(0));

/**
 * A twin's maintenance prediction, its history and the roll-up over a machine or a line. All
 * answers come from the log (the latest MaintenancePredicted event; the twin's prediction
 * events), so every instance answers alike whichever worker made the prediction.
 */
@Controller('v1/twins/:id/maintenance')
export class MaintenanceHttpController {
  constructor(
    private readonly view: TwinEventsView,
    private readonly readiness: ServiceReadiness,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MAINTENANCE_CONFIG) private readonly config: MaintenanceConfig,
  ) {}

  /** The current prediction: health index and its features, RUL band, recommendation. */
  @Get()
  @Describe({
    summary: "A twin's maintenance prediction",
    description:
      'Health index and its features, remaining useful life with its band, the recommended window.',
    response: CURRENT_ANSWER,
    errors: NOT_FOUND,
  })
  current(@Param('id') id: string, @Caller() caller: Principal) {
    const twin = this.twin(id, caller);
    const p = twin.maintenancePrediction;
    return {
      twinId: twin.twinId,
      twinType: twin.twinType,
      level: twin.level,
      prediction: p,
      ...(p
        ? {}
        : {
            reason:
              'no prediction yet: none of its readings with failure or alarm limits has arrived',
          }),
    };
  }

  /** Every prediction of the twin in log order, paged (optionally in [from, to) of event time). */
  @Get('history')
  @QueryParams(HISTORY_QUERY)
  @Describe({
    summary: "A twin's maintenance predictions over time",
    response: HISTORY_ANSWER,
    errors: NOT_FOUND,
  })
  async history(
    @Param('id') id: string,
    @Query() query: z.infer<typeof HISTORY_QUERY>,
    @Caller() caller: Principal,
  ) {
    this.twin(id, caller);
    const limit = pageLimit(query.limit, this.config.maxPage);
    const filters = { twinId: id, ...filtersOf(query) };
    const after = HISTORY_CURSOR.decode(query.cursor, filters);
    const fromMs = query.from === undefined ? undefined : Date.parse(query.from);
    const toMs = query.to === undefined ? undefined : Date.parse(query.to);
    const events = await this.log.readStream(id, {
      streams: ['twin-events'],
      types: ['MaintenancePredicted'],
    });
    // Predictions are never removed: a position beyond them was not made by this server.
    if (after !== undefined && after >= events.length)
      throw badCursor('it is past the end of this history');
    const chosen = events
      .map((event, position) => ({ event, position }))
      .filter(({ event }) => {
        const at = Date.parse(event.occurredAt);
        return (fromMs === undefined || at >= fromMs) && (toMs === undefined || at < toMs);
      });
    const rest = after === undefined ? chosen : chosen.filter((c) => c.position > after);
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    return {
      twinId: id,
      total: chosen.length,
      predictions: page.map(({ event }) => entry(event)),
      next:
        last && rest.length > page.length ? HISTORY_CURSOR.encode(last.position, filters) : null,
    };
  }

  /** An asset's or a system's maintenance view over the twins below it. */
  @Get('rollup')
  @Describe({
    summary: 'The maintenance view over the twins below a machine or a line',
    response: ROLLUP_ANSWER,
    errors: NOT_FOUND,
  })
  rollup(@Param('id') id: string, @Caller() caller: Principal): MaintenanceRollUp {
    // Twins below of sites the caller cannot see are left out of the roll-up.
    return rollUpMaintenance(this.twin(id, caller), (twinId) => {
      const below = this.view.directory.get(twinId);
      return below && maySee(caller, below.site) ? below : undefined;
    });
  }

  /** The twin, when the caller may see its site; otherwise, as for no twin, 404. */
  private twin(id: string, caller: Principal): TwinState {
    this.readiness.assertReady();
    const twin = this.view.directory.get(id);
    if (!twin || twin.status === 'unregistered' || !maySee(caller, twin.site)) {
      throw new TwinlogError('TWIN_NOT_FOUND', `No twin ${bounded(id)}`, { twinId: bounded(id) });
    }
    return twin;
  }
}

function entry(event: EventEnvelope) {
  return {
    eventId: event.id,
    predictedAt: event.occurredAt,
    recordedAt: event.recordedAt,
    causationId: event.causationId,
    ...(event.data as object),
  };
}
