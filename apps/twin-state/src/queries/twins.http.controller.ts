import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { requireTime, twinHealth, TwinlogError } from '@twinlog/domain';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TWIN_STATE_CONFIG } from '../tokens';
import { TwinQueries, type TimeAxis } from './twin-queries.service';

/** Questions about twins: now, as of a time, compared between times, and their audit trail. */
@Controller('v1/twins')
export class TwinsHttpController {
  constructor(
    private readonly queries: TwinQueries,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
  ) {}

  @Get()
  list(@Query() query: Record<string, string | undefined>) {
    const twins = this.queries.list({
      ...(query['type'] ? { type: query['type'] } : {}),
      ...(query['level'] ? { level: query['level'] } : {}),
      ...(query['parentId'] ? { parentId: query['parentId'] } : {}),
      ...(query['site'] ? { site: query['site'] } : {}),
      ...(query['status'] ? { status: query['status'] } : {}),
    });
    return {
      twins: twins.map((s) => ({
        twinId: s.twinId,
        twinType: s.twinType,
        level: s.level,
        parentId: s.parentId,
        site: s.site,
        name: s.name,
        status: s.status,
        health: twinHealth(s).status,
        activeAnomalies: Object.keys(s.activeAnomalies).length,
        revision: s.revision,
      })),
    };
  }

  @Get(':twinId')
  get(@Param('twinId') twinId: string) {
    const state = this.queries.current(twinId);
    return { ...state, health: twinHealth(state) };
  }

  @Get(':twinId/rollup')
  rollUp(@Param('twinId') twinId: string) {
    return this.queries.rollUp(twinId);
  }

  /** `?at=<ISO time>&by=event|record[&subtree=true]`: the state as it was then. */
  @Get(':twinId/history')
  async history(
    @Param('twinId') twinId: string,
    @Query() query: Record<string, string | undefined>,
  ) {
    const at = time(query['at'], 'at');
    const by = axis(query['by']);
    if (query['subtree'] === 'true')
      return { at, by, ...(await this.queries.subtreeAt(twinId, at, by)) };
    const state = await this.queries.at(twinId, at, by);
    return { at, by, state: { ...state, health: twinHealth(state) } };
  }

  /** `?from=&to=&by=`: what changed in the twin between two times. */
  @Get(':twinId/diff')
  async diff(@Param('twinId') twinId: string, @Query() query: Record<string, string | undefined>) {
    const from = time(query['from'], 'from');
    const to = time(query['to'], 'to');
    const by = axis(query['by']);
    return { from, to, by, changes: await this.queries.diff(twinId, from, to, by) };
  }

  /** `?types=A,B&from=&to=&after=&limit=`: the ordered events, by record time, paged. */
  @Get(':twinId/events')
  audit(@Param('twinId') twinId: string, @Query() query: Record<string, string | undefined>) {
    const limit = query['limit'] ? Number(query['limit']) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.config.maxPage) {
      throw new TwinlogError(
        'COMMAND_INVALID',
        `limit must be an integer from 1 to ${this.config.maxPage}`,
      );
    }
    const after = query['after'] === undefined ? undefined : Number(query['after']);
    if (after !== undefined && !Number.isInteger(after)) {
      throw new TwinlogError('COMMAND_INVALID', 'after must be the `next` of a previous page');
    }
    return this.queries.audit(twinId, {
      limit,
      ...(after !== undefined ? { after } : {}),
      ...(query['types'] ? { types: query['types'].split(',') } : {}),
      ...(query['from'] ? { from: time(query['from'], 'from') } : {}),
      ...(query['to'] ? { to: time(query['to'], 'to') } : {}),
    });
  }

  @Get(':twinId/properties/:property/source')
  provenance(@Param('twinId') twinId: string, @Param('property') property: string) {
    return this.queries.provenance(twinId, property);
  }
}

/** A time parameter through the domain's one strict parser: 31 November is a 400, not 1 December. */
function time(value: string | undefined, name: string): string {
  return requireTime(value ?? null, name, {
    code: 'COMMAND_INVALID',
    details: { parameter: name },
  });
}

function axis(value: string | undefined): TimeAxis {
  if (value === undefined || value === 'event') return 'event';
  if (value === 'record') return 'record';
  throw new TwinlogError(
    'COMMAND_INVALID',
    `by must be "event" (the plant's time) or "record" (when Twinlog recorded it)`,
  );
}
