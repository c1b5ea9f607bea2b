import { Controller, Get, Inject, Query } from '@nestjs/common';
import { AI_ASSISTANT, type Assistant } from '@twinlog/ai';
import { bounded, TwinlogError } from '@twinlog/domain';
import {
  assertRole,
  Caller,
  ClientGone,
  CLOCK,
  type Clock,
  Describe,
  HttpProblem,
  maySee,
  type Principal,
  q,
  QueryParams,
  Requires,
  ServiceReadiness,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { TwinEventsView } from '../twins/twin-events-view';
import { REPORT_ANSWER, type ReportAnswer } from './report-answer';
import { buildReportFacts, type ReportScope } from './report-facts';
import { REPORT_INSTRUCTIONS, reportData, reportNames } from './report-prompt';
import { twinsOfScope } from './report-scope';
import { checkReportSections, REPORT_SECTIONS, reportMarkdown, substitute } from './report-text';

/** `?twin=ID` or `?site=S`: exactly one. */
const REPORT_QUERY = z
  .object({
    twin: q.twinId().optional(),
    site: q.text(128).describe('A site').optional(),
    refresh: q
      .bool()
      .default(false)
      .describe('Ask the model anew instead of answering from the AI cache (operator or above)'),
  })
  .superRefine((value, ctx) => {
    if ((value.twin === undefined) === (value.site === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [value.twin === undefined ? 'twin' : 'site'],
        message: 'give exactly one of twin and site',
      });
  });

/**
 * The maintenance report (docs/ai.md#maintenance-report): Twinlog's figures of a twin's
 * subtree or a site, and the model's words around them. A read: nothing is recorded; an
 * identical ask is answered from the AI cache.
 */
@Controller('v1/reports/maintenance')
export class ReportHttpController {
  constructor(
    private readonly view: TwinEventsView,
    private readonly readiness: ServiceReadiness,
    @Inject(AI_ASSISTANT) private readonly assistant: Assistant,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Requires('viewer')
  @QueryParams(REPORT_QUERY)
  @Describe({
    summary: "A maintenance report written from Twinlog's figures (AI)",
    description:
      "A readable report for a twin and the twins below it (`twin`) or a site (`site`), from the latest maintenance predictions, the open anomalies and the maintenance of the last 30 days. Twinlog numbers its figures F1..Fn (each with its source event or query); the model writes the words and cites figures as placeholders only, with no digit of its own; Twinlog puts the values in. So every number in the report is Twinlog's. Not recorded; an identical ask is served from the AI cache, unless `refresh=true` (operator or above) asks anew. Twins of sites the caller does not have are left out.",
    response: REPORT_ANSWER,
    errors: {
      400: 'QUERY_INVALID: not exactly one of `twin` and `site`, or a value that is not one',
      403: 'SITE_FORBIDDEN: `site` names a site the caller does not have; FORBIDDEN: `refresh=true` by a viewer',
      404: 'TWIN_NOT_FOUND: no such twin (or one of a site the caller does not have), or no twin on the site',
      429: "AI_BUDGET_EXHAUSTED: the day's tokens are spent (Retry-After); AI_RATE_LIMITED: this caller's new asks this hour reached TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR (Retry-After)",
      502: 'AI_UNAVAILABLE: the model server failed, or did not answer within TWINLOG_AI_ASK_DEADLINE_MS (`details.reason`: timeout); AI_ANSWER_INVALID: it answered twice with text that does not validate (details.problems)',
      503: 'AI_OFF: AI is off (the message says how to turn it on); AI_BUSY: too many asks waiting, or the model server rate-limits Twinlog (Retry-After); NOT_READY: the twins are still loading',
    },
  })
  async report(
    @Query() query: z.infer<typeof REPORT_QUERY>,
    @Caller() caller: Principal,
    @ClientGone() gone: AbortSignal,
  ): Promise<ReportAnswer> {
    // Off says so first, whatever the question: nothing is looked up for nothing.
    this.assistant.assertOn();
    // A new report costs tokens where the cached one is free: an operator's call.
    if (query.refresh) assertRole(caller, 'operator', 'refresh=true');
    this.readiness.assertReady();
    const scope: ReportScope =
      query.twin !== undefined
        ? { kind: 'twin', twinId: query.twin }
        : { kind: 'site', site: query.site! };
    if (scope.kind === 'site' && !maySee(caller, scope.site))
      throw new HttpProblem(
        403,
        'SITE_FORBIDDEN',
        `${caller.id} may not see site ${bounded(scope.site)}`,
        {
          site: bounded(scope.site),
        },
      );
    const twins = twinsOfScope(scope, this.view.directory, (site) => maySee(caller, site));
    if (!twins) throw notFound(scope);
    const generatedAt = this.clock();
    const facts = buildReportFacts({
      scope,
      twins,
      history: (twinId) => this.view.history.of(twinId),
      now: Date.parse(generatedAt),
    });
    const data = reportData(facts, twins);
    const answer = await this.assistant.ask(
      {
        name: 'maintenance-report',
        schema: REPORT_SECTIONS,
        instructions: REPORT_INSTRUCTIONS,
        data,
        maxOutputTokens: 3000,
        check: (written) => checkReportSections(written, facts.figures, reportNames(data)),
      },
      { caller: caller.id, signal: gone, refresh: query.refresh },
    );
    const report = {
      scope,
      generatedAt,
      model: answer.model,
      cached: answer.cached,
      figures: facts.figures,
      sections: answer.value.sections.map((s) => ({
        title: substitute(s.title, facts.figures),
        text: substitute(s.text, facts.figures),
      })),
    };
    return { ...report, markdown: reportMarkdown(report, answer.value) };
  }
}

function notFound(scope: ReportScope): TwinlogError {
  return scope.kind === 'twin'
    ? new TwinlogError('TWIN_NOT_FOUND', `No twin ${bounded(scope.twinId)}`, {
        twinId: bounded(scope.twinId),
      })
    : new TwinlogError('TWIN_NOT_FOUND', `No twin on site ${bounded(scope.site)}`, {
        site: bounded(scope.site),
      });
}
