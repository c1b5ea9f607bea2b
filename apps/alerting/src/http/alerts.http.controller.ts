import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ALERT_STATUSES, SEVERITIES, type AlertView } from '@twinlog/domain';
import {
  ALERT,
  ALERT_SUMMARY,
  Caller,
  Describe,
  pageOf,
  pagingParams,
  type Principal,
  q,
  QueryParams,
  Requires,
  siteFilterOf,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { ALERTING_API, type AlertingApi } from '../alerting-api';
import { ACK_BODY, ASSIGN_BODY, parseBody, RESOLVE_BODY } from './alert-bodies';
import { callerActor, pathId, timeOrderedList } from './alert-paging';
import { alertSummaryOf } from './alert-summary';

const LIST_QUERY = z.object({
  status: q.listOf(ALERT_STATUSES).optional(),
  minSeverity: q.oneOf(SEVERITIES).optional(),
  twinId: q.twinId().optional(),
  site: q.text(200).optional(),
  ...pagingParams(),
});
const page = timeOrderedList<AlertView>('alerts', (a) => [a.openedAt, a.alertId], 'newest-first');

const NOT_FOUND = {
  404: 'ALERT_NOT_FOUND: no such alert, or one of a site the caller does not have',
};
const COMMAND_ERRORS = {
  400: 'COMMAND_INVALID: the body is not valid (`details.problems` names each field)',
  ...NOT_FOUND,
  409: 'ALERT_RESOLVED: the alert is resolved already',
};

/**
 * Alerts: what a person acts on (docs/services/alerting.md). Everyone reads; operators
 * acknowledge, assign and resolve. A caller of some sites sees, and acts on, only their alerts.
 */
@Controller('v1/alerts')
export class AlertsHttpController {
  constructor(@Inject(ALERTING_API) private readonly api: AlertingApi) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List alerts, newest first',
    description:
      '`status` is a comma list (`open,acknowledged`); `twinId` matches the subject or any member. Each alert comes without its history and held-back notifications, with their counts and the last transition: `GET /v1/alerts/{id}` has them.',
    response: pageOf('alerts', ALERT_SUMMARY),
  })
  list(@Query() query: z.infer<typeof LIST_QUERY>, @Caller() caller: Principal) {
    const { limit: _limit, cursor: _cursor, ...filters } = query;
    const { items, next } = page(this.api.alerts(filters, siteFilterOf(caller)), query);
    return { alerts: items.map(alertSummaryOf), next };
  }

  @Get(':id')
  @Describe({
    summary: 'An alert, with its members, history and suppressed notifications',
    response: ALERT,
    errors: NOT_FOUND,
  })
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.api.alert(pathId(id, 'ALERT_NOT_FOUND', 'alert'), siteFilterOf(caller));
  }

  @Requires('operator')
  @Post(':id/acknowledge')
  @HttpCode(200)
  @Describe({
    summary: 'Acknowledge an alert',
    description: 'Stops its escalation; an assigned alert stays `assigned`.',
    body: ACK_BODY,
    response: ALERT,
    errors: {
      ...COMMAND_ERRORS,
      409: 'ALERT_RESOLVED: the alert is resolved already; ALERT_ALREADY_ACKNOWLEDGED',
    },
  })
  acknowledge(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const { note } = parseBody(ACK_BODY, body);
    return this.api.acknowledge(
      pathId(id, 'ALERT_NOT_FOUND', 'alert'),
      note ?? null,
      callerActor(caller),
      siteFilterOf(caller),
    );
  }

  @Requires('operator')
  @Post(':id/assign')
  @HttpCode(200)
  @Describe({
    summary: 'Assign an alert to someone',
    body: ASSIGN_BODY,
    response: ALERT,
    errors: COMMAND_ERRORS,
  })
  assign(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const { assignee, note } = parseBody(ASSIGN_BODY, body);
    return this.api.assign(
      pathId(id, 'ALERT_NOT_FOUND', 'alert'),
      assignee,
      note ?? null,
      callerActor(caller),
      siteFilterOf(caller),
    );
  }

  @Requires('operator')
  @Post(':id/resolve')
  @HttpCode(200)
  @Describe({
    summary: 'Resolve an alert by hand',
    body: RESOLVE_BODY,
    response: ALERT,
    errors: COMMAND_ERRORS,
  })
  resolve(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const { note } = parseBody(RESOLVE_BODY, body);
    return this.api.resolve(
      pathId(id, 'ALERT_NOT_FOUND', 'alert'),
      note ?? null,
      callerActor(caller),
      siteFilterOf(caller),
    );
  }
}
