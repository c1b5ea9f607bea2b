import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { TWIN_ID, TwinlogError, type AlertMatch } from '@twinlog/domain';
import {
  ALERT_RULE,
  byCodeUnits,
  Caller,
  Describe,
  keysetPage,
  PAGE_MAX,
  PageCursor,
  pageOf,
  pagingParams,
  type Principal,
  QueryParams,
  Requires,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { ALERTING_API, type AlertingApi, type NewRule } from '../alerting-api';
import { parseBody, RULE_BODY } from './alert-bodies';
import { callerActor, pathId } from './alert-paging';
import { assertRuleWithin, mayUseRule, visibleRule } from './rule-scope';

const LIST_QUERY = z.object({ ...pagingParams() });
const RULES_CURSOR = new PageCursor('alert-rules', z.string().max(256));
const NOT_FOUND = {
  404: 'RULE_NOT_FOUND: no such rule, or one the caller may not see (it names a site not theirs, or none: a global rule)',
};
const SET_ERRORS = {
  400: 'COMMAND_INVALID: the body is not valid (`details.problems` names each field)',
  403: 'SITE_FORBIDDEN: a caller of some sites sets only rules whose `match.sites` lie within them (a rule naming no site is global: callers of every site only)',
  422: 'RULE_INVALID: it names a channel that does not exist, or its escalation steps are not in order (`details.problems`)',
};

/**
 * Rules route alerts to channels: which causes (severity at least, cause kinds, twin types,
 * sites, a subtree, properties), quiet hours and escalation steps. Engineers set them. A caller
 * of some sites sees and sets only the rules of its sites (rule-scope.ts).
 */
@Controller('v1/alert-rules')
export class AlertRulesHttpController {
  constructor(@Inject(ALERTING_API) private readonly api: AlertingApi) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({ summary: 'List the alert rules by id', response: pageOf('rules', ALERT_RULE) })
  list(@Query() query: z.infer<typeof LIST_QUERY>, @Caller() caller: Principal) {
    const sorted = this.api
      .rules()
      .filter((r) => mayUseRule(caller, r.match.sites))
      .sort((a, b) => byCodeUnits(a.ruleId, b.ruleId));
    const { items, next } = keysetPage(sorted, query, {
      cursor: RULES_CURSOR,
      max: PAGE_MAX,
      keyOf: (r) => r.ruleId,
      compare: byCodeUnits,
    });
    return { rules: items, next };
  }

  @Get(':id')
  @Describe({ summary: 'An alert rule', response: ALERT_RULE, errors: NOT_FOUND })
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return visibleRule(caller, this.api.rule(pathId(id, 'RULE_NOT_FOUND', 'rule')));
  }

  @Requires('engineer')
  @Post()
  @HttpCode(201)
  @Describe({
    summary: 'Make an alert rule',
    description:
      'An absent `match` field matches everything; `channels: ["*"]` is every channel there is when a notification is planned.',
    body: RULE_BODY,
    response: ALERT_RULE,
    errors: SET_ERRORS,
  })
  create(@Body() body: unknown, @Caller() caller: Principal) {
    const rule = ruleOf(parseBody(RULE_BODY, body));
    assertRuleWithin(caller, rule.match.sites ?? []);
    return this.api.setRule(rule, callerActor(caller));
  }

  @Requires('engineer')
  @Put(':id')
  @Describe({
    summary: 'Set an alert rule (replace it, or make it under this id)',
    body: RULE_BODY,
    response: ALERT_RULE,
    errors: {
      ...SET_ERRORS,
      ...NOT_FOUND,
      422: `${SET_ERRORS[422]}; the id is not 1-128 letters, digits, . _ : - (starting with a letter or digit)`,
    },
  })
  set(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    // The id names what it stores: the same alphabet as twin ids, so no built-in name is one.
    if (!TWIN_ID.test(id))
      throw new TwinlogError('RULE_INVALID', 'The alert rule is invalid: its id is not one', {
        problems: [
          'ruleId: must be 1-128 letters, digits, . _ : - (starting with a letter or digit)',
        ],
      });
    const rule = { ...ruleOf(parseBody(RULE_BODY, body)), ruleId: id };
    // One the caller cannot see is not found; setting it is not a way to learn it exists.
    const existing = this.api.rules().find((r) => r.ruleId === id);
    if (existing) visibleRule(caller, existing);
    assertRuleWithin(caller, rule.match.sites ?? []);
    return this.api.setRule(rule, callerActor(caller));
  }

  @Requires('engineer')
  @Delete(':id')
  @HttpCode(204)
  @Describe({ summary: 'Remove an alert rule', errors: NOT_FOUND })
  async remove(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    const ruleId = pathId(id, 'RULE_NOT_FOUND', 'rule');
    visibleRule(caller, this.api.rule(ruleId));
    await this.api.deleteRule(ruleId, callerActor(caller));
  }
}

function ruleOf(body: z.infer<typeof RULE_BODY>): NewRule {
  const { match, quietHours, ...rest } = body;
  const rule: NewRule = { ...rest, match: (match ?? {}) as Partial<AlertMatch> };
  if (quietHours !== undefined)
    rule.quietHours =
      quietHours === null
        ? null
        : { ...quietHours, allowSeverity: quietHours.allowSeverity ?? 'critical' };
  return rule;
}
