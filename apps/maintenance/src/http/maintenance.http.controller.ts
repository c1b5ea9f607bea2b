import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { rollUpMaintenance, type MaintenanceRollUp } from '@twinlog/analytics';
import { parseIsoTime, TwinlogError, type EventEnvelope, type TwinState } from '@twinlog/domain';
import { HttpProblem, type Infrastructure } from '@twinlog/service-kit';
import type { MaintenanceConfig } from '../config/maintenance.config';
import { INFRASTRUCTURE, MAINTENANCE_CONFIG } from '../tokens';
import { TwinEventsView } from '../twins/twin-events-view';

/**
 * A twin's maintenance prediction, its history and the roll-up over a machine or a line. All
 * answers come from the log (the latest MaintenancePredicted event; the twin's prediction
 * events), so every instance answers alike whichever worker made the prediction.
 */
@Controller('v1/twins/:id/maintenance')
export class MaintenanceHttpController {
  constructor(
    private readonly view: TwinEventsView,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(MAINTENANCE_CONFIG) private readonly config: MaintenanceConfig,
  ) {}

  /** The current prediction: health index and its features, RUL band, recommendation. */
  @Get()
  current(@Param('id') id: string) {
    const twin = this.twin(id);
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

  /** Every prediction of the twin in log order (the newest `limit`, optionally between event times). */
  @Get('history')
  async history(
    @Param('id') id: string,
    @Query('limit') limitText?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    this.twin(id);
    const limit = this.limitOf(limitText);
    const [fromMs, toMs] = [timeOf('from', from), timeOf('to', to)];
    const events = await this.infra.log.readStream(id, {
      streams: ['twin-events'],
      types: ['MaintenancePredicted'],
    });
    const chosen = events.filter((e) => {
      const at = Date.parse(e.occurredAt);
      return (fromMs === undefined || at >= fromMs) && (toMs === undefined || at <= toMs);
    });
    return {
      twinId: id,
      total: chosen.length,
      predictions: chosen.slice(-limit).map(entry),
    };
  }

  /** An asset's or a system's maintenance view over the twins below it. */
  @Get('rollup')
  rollup(@Param('id') id: string): MaintenanceRollUp {
    return rollUpMaintenance(this.twin(id), (twinId) => this.view.directory.get(twinId));
  }

  private twin(id: string): TwinState {
    if (!this.view.ready) {
      throw new HttpProblem(503, 'NOT_READY', 'Replaying twin-events', {}, { 'Retry-After': '5' });
    }
    const twin = this.view.directory.get(id);
    if (!twin || twin.status === 'unregistered') {
      throw new TwinlogError('TWIN_NOT_FOUND', `No twin ${id}`, { twinId: id });
    }
    return twin;
  }

  private limitOf(text: string | undefined): number {
    if (text === undefined) return Math.min(100, this.config.maxPage);
    const limit = Number(text);
    if (!Number.isInteger(limit) || limit < 1 || limit > this.config.maxPage) {
      throw new HttpProblem(
        400,
        'QUERY_INVALID',
        `limit must be an integer from 1 to ${this.config.maxPage}`,
        { limit: text },
      );
    }
    return limit;
  }
}

function timeOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseIsoTime(text);
  if (!parsed.ok) {
    throw new HttpProblem(400, 'QUERY_INVALID', `${name}: ${parsed.reason}`, { parameter: name });
  }
  return parsed.ms;
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
