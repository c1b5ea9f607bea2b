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
import type { ChannelView } from '@twinlog/domain';
import {
  ALERT_CHANNEL,
  ALERT_CHANNEL_TEST,
  Caller,
  Describe,
  pageOf,
  pagingParams,
  type Principal,
  QueryParams,
  Requires,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { ALERTING_API, type AlertingApi, type NewChannel } from '../alerting-api';
import { CHANNEL_BODY, parseBody } from './alert-bodies';
import { callerActor, pathId, timeOrderedList } from './alert-paging';

const LIST_QUERY = z.object({ ...pagingParams() });
const page = timeOrderedList<ChannelView>(
  'alert-channels',
  (c) => [c.createdAt, c.channelId],
  'oldest-first',
);
const NOT_FOUND = { 404: 'CHANNEL_NOT_FOUND' };

/**
 * Where notifications go: webhooks (signed), Slack, Teams, e-mail. Admins make and remove them;
 * a channel's URL, secret and addresses are sealed in the log and never answered (`display` is
 * the scheme and host, or the addresses' domains).
 */
@Controller('v1/alert-channels')
export class AlertChannelsHttpController {
  constructor(@Inject(ALERTING_API) private readonly api: AlertingApi) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List the alert channels, oldest first',
    response: pageOf('channels', ALERT_CHANNEL),
  })
  list(@Query() query: z.infer<typeof LIST_QUERY>) {
    const { items, next } = page(this.api.channels(), query);
    return { channels: items, next };
  }

  @Get(':id')
  @Describe({ summary: 'An alert channel', response: ALERT_CHANNEL, errors: NOT_FOUND })
  get(@Param('id') id: string) {
    return this.api.channel(pathId(id, 'CHANNEL_NOT_FOUND', 'channel'));
  }

  @Requires('admin')
  @Post()
  @HttpCode(201)
  @Describe({
    summary: 'Make an alert channel',
    description:
      'webhook `{ kind, url, secret, name? }` (signed with the secret: X-Twinlog-Signature), slack and teams `{ kind, url, name? }`, email `{ kind, to: [...], name? }`. The answer never holds the URL or the secret.',
    body: CHANNEL_BODY,
    response: ALERT_CHANNEL,
    errors: {
      400: 'COMMAND_INVALID: the body is not valid (`details.problems` names each field)',
      409: 'CHANNEL_EXISTS: a channel of this kind sends to this target already (`details.channelId`): a retried create makes no second one',
      503: 'ALERTING_KEY_MISSING: ALERTING_SECRET_KEY is not set, so no channel can be sealed',
    },
  })
  create(@Body() body: unknown, @Caller() caller: Principal) {
    const input = parseBody(CHANNEL_BODY, body);
    return this.api.createChannel(
      { ...input, name: input.name ?? defaultName(input) } as NewChannel,
      callerActor(caller),
    );
  }

  @Requires('admin')
  @Delete(':id')
  @HttpCode(204)
  @Describe({
    summary: 'Remove an alert channel',
    errors: {
      ...NOT_FOUND,
      409: 'CHANNEL_IN_USE: a rule names it (`details.ruleIds`): change or remove those first',
    },
  })
  async remove(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    await this.api.deleteChannel(pathId(id, 'CHANNEL_NOT_FOUND', 'channel'), callerActor(caller));
  }

  @Requires('admin')
  @Post(':id/test')
  @HttpCode(200)
  @Describe({
    summary: 'Send a test notification to a channel now',
    description:
      'Says how the receiver answered; not recorded as a delivery. `ok: false` is still a 200: the channel exists, its receiver refused.',
    response: ALERT_CHANNEL_TEST,
    errors: NOT_FOUND,
  })
  test(@Param('id') id: string) {
    return this.api.testChannel(pathId(id, 'CHANNEL_NOT_FOUND', 'channel'));
  }
}

/** A channel without a name is called by its kind and where it sends (never the full URL). */
function defaultName(input: { kind: string; url?: string; to?: string[] }): string {
  if (input.url !== undefined) return `${input.kind} ${new URL(input.url).host}`;
  const first = input.to?.[0] ?? '';
  const more = (input.to?.length ?? 0) > 1 ? ` +${(input.to?.length ?? 1) - 1}` : '';
  return `${input.kind} ${first.slice(first.indexOf('@') + 1)}${more}`;
}
