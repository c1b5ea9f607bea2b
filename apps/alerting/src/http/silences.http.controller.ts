import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { TwinlogError, type SilenceView } from '@twinlog/domain';
import {
  Caller,
  CLOCK,
  type Clock,
  Describe,
  pageOf,
  pagingParams,
  type Principal,
  q,
  QueryParams,
  Requires,
  SILENCE,
  siteFilterOf,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { ALERTING_API, type AlertingApi } from '../alerting-api';
import { parseBody, SILENCE_BODY } from './alert-bodies';
import { callerActor, pathId, timeOrderedList } from './alert-paging';

const LIST_QUERY = z.object({ active: q.bool().optional(), ...pagingParams() });
const page = timeOrderedList<SilenceView>(
  'silences',
  (s) => [s.createdAt, s.silenceId],
  'newest-first',
);
const NOT_FOUND = {
  404: 'SILENCE_NOT_FOUND: no such silence, or one of a site the caller does not have',
};

/**
 * Silences and maintenance windows: a twin's subtree or a site whose alerts still open, but
 * whose notifications are held back (and the holding back recorded). Operators set and lift them.
 */
@Controller('v1/silences')
export class SilencesHttpController {
  constructor(
    @Inject(ALERTING_API) private readonly api: AlertingApi,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List silences and maintenance windows, newest first',
    description: '`active=true`: those in force now; `active=false`: lifted or over.',
    response: pageOf('silences', SILENCE),
  })
  list(@Query() query: z.infer<typeof LIST_QUERY>, @Caller() caller: Principal) {
    const visible = siteFilterOf(caller);
    // A site's silence is that site's; a twin's, the engine checks by the twin's site.
    const silences = this.api
      .silences(query.active, visible)
      .filter((s) => s.site === null || !visible || visible(s.site));
    const { items, next } = page(silences, query);
    return { silences: items, next };
  }

  @Requires('operator')
  @Post()
  @HttpCode(201)
  @Describe({
    summary: 'Silence a twin (and everything under it) or a site for a while',
    description:
      '`kind: "maintenance-window"` records planned work; both hold notifications back, never the alerts.',
    body: SILENCE_BODY,
    response: SILENCE,
    errors: {
      400: 'COMMAND_INVALID: the body is not valid (`details.problems` names each field)',
      403: 'SITE_FORBIDDEN: silencing a site the caller does not have',
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      422: 'SILENCE_INVALID: `to` is not after `from` and now',
    },
  })
  create(@Body() body: unknown, @Caller() caller: Principal) {
    const { kind, twinId, site, from, to, reason } = parseBody(SILENCE_BODY, body);
    const now = this.clock();
    const start = from ?? now;
    if (!(start < to) || !(now < to))
      throw new TwinlogError('SILENCE_INVALID', 'The silence is over before it starts', {
        problems: [`to: must be after from (${start}) and now (${now})`],
      });
    const visible = siteFilterOf(caller);
    if (site !== undefined && visible && !visible(site))
      throw new TwinlogError('SITE_FORBIDDEN', `The caller may not act on site ${site}`, {});
    return this.api.setSilence(
      {
        kind: kind ?? 'silence',
        ...(twinId !== undefined ? { twinId } : {}),
        ...(site !== undefined ? { site } : {}),
        from: start,
        to,
        reason,
      },
      callerActor(caller),
      visible,
    );
  }

  @Requires('operator')
  @Delete(':id')
  @HttpCode(204)
  @Describe({ summary: 'Lift a silence now', errors: NOT_FOUND })
  async lift(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    await this.api.liftSilence(
      pathId(id, 'SILENCE_NOT_FOUND', 'silence'),
      callerActor(caller),
      siteFilterOf(caller),
    );
  }
}
