import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { DELIVERY_STATUSES, type DeliveryView } from '@twinlog/domain';
import {
  ALERT_DELIVERY,
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
import { callerActor, pathId, timeOrderedList } from './alert-paging';

const LIST_QUERY = z.object({
  status: q.oneOf(DELIVERY_STATUSES).optional(),
  alertId: q.text(256).optional(),
  channelId: q.text(256).optional(),
  ...pagingParams(),
});
const page = timeOrderedList<DeliveryView>(
  'alert-deliveries',
  (d) => [d.queuedAt, d.deliveryId],
  'newest-first',
);
const NOT_FOUND = {
  404: 'DELIVERY_NOT_FOUND: no such delivery, or one of an alert of a site the caller does not have',
};

/**
 * Deliveries: one per transition and channel, retried with backoff until delivered or dead.
 * A dead one can be sent again (operators), under the same delivery id.
 */
@Controller('v1/alert-deliveries')
export class AlertDeliveriesHttpController {
  constructor(@Inject(ALERTING_API) private readonly api: AlertingApi) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List deliveries, newest first',
    description:
      '`status=dead` lists those that gave up (redeliver them once the receiver is fixed).',
    response: pageOf('deliveries', ALERT_DELIVERY),
  })
  list(@Query() query: z.infer<typeof LIST_QUERY>, @Caller() caller: Principal) {
    const { limit: _limit, cursor: _cursor, ...filters } = query;
    const { items, next } = page(this.api.deliveries(filters, siteFilterOf(caller)), query);
    return { deliveries: items, next };
  }

  @Get(':id')
  @Describe({ summary: 'A delivery and its attempts', response: ALERT_DELIVERY, errors: NOT_FOUND })
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.api.delivery(pathId(id, 'DELIVERY_NOT_FOUND', 'delivery'), siteFilterOf(caller));
  }

  @Requires('operator')
  @Post(':id/redeliver')
  @HttpCode(202)
  @Describe({
    summary: 'Send a dead delivery again',
    description:
      'Queued again under the same delivery id (receivers drop duplicates by it); the answer is the delivery, pending. The worker sends it within a tick.',
    response: ALERT_DELIVERY,
    errors: { ...NOT_FOUND, 409: 'DELIVERY_NOT_DEAD: it is pending or delivered already' },
  })
  redeliver(@Param('id') id: string, @Caller() caller: Principal) {
    return this.api.redeliver(
      pathId(id, 'DELIVERY_NOT_FOUND', 'delivery'),
      callerActor(caller),
      siteFilterOf(caller),
    );
  }
}
