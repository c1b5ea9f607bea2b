import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { AI_TEXT_LIMITS as L, SEVERITIES, type ExplanationView } from '@twinlog/domain';
import {
  Caller,
  ClientGone,
  Describe,
  maySee,
  q,
  QueryParams,
  Requires,
  type AuthenticatedRequest,
  type Principal,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { AnomalyExplanations } from './anomaly-explanations.service';

const time = z.string().describe('An ISO 8601 time in UTC');
const text = (max: number) => z.string().max(max);

/** An explanation as the API answers it (the AnomalyExplained event, where and by whom). */
export const EXPLANATION = z
  .object({
    episodeId: z.string().describe("The anomaly's id: its episode id"),
    twinId: z.string(),
    anomalyEventId: z.string().describe('The AnomalyDetected event (the causation id)'),
    eventId: z.string().describe('The AnomalyExplained event that records this explanation'),
    explainedAt: time,
    actor: z.string().nullable().describe('Who asked for it; null without authentication'),
    summary: text(L.summary),
    likelyCauses: z.array(z.object({ cause: text(L.item), why: text(L.item) })).max(L.items),
    checkFirst: z.array(text(L.item)).max(L.items),
    model: z.string().describe('The model that wrote it'),
    promptVersion: z.string().describe('The version of Twinlog’s instructions it was asked with'),
    anomaly: z.object({
      detector: z.string(),
      properties: z.array(z.string()),
      severity: z.enum(SEVERITIES),
      detectedAt: time,
      clearedAt: time.nullable(),
    }),
  })
  .meta({ id: 'AnomalyExplanation' });

const EXPLAIN_QUERY = z.object({ refresh: q.bool().default(false) });

const NOT_FOUND =
  'ANOMALY_NOT_FOUND: no anomaly episode with that id, or one of a twin of a site the caller does not have';
const AI_ERRORS = {
  429: 'AI_BUDGET_EXHAUSTED: the day’s tokens of this process are spent (Retry-After: to midnight UTC); AI_RATE_LIMITED: this caller’s new asks this hour reached TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR (Retry-After)',
  502: 'AI_UNAVAILABLE: the model server failed, or did not answer within TWINLOG_AI_ASK_DEADLINE_MS (`details.reason`: timeout); AI_ANSWER_INVALID: it answered twice with something that does not validate (`details.problems`); nothing was recorded',
  503: 'AI_OFF: AI is off (the message says how to turn it on); AI_BUSY: too many asks waiting, or the model server rate-limits Twinlog (Retry-After); NOT_READY',
};

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * Explanations of anomalies (docs/ai.md): the model's words on top of Twinlog's facts, recorded
 * as AnomalyExplained. Reading one is a viewer's; asking costs tokens and records an event, so
 * it is an operator's. The caller's sites apply: another site's anomaly is not found.
 */
@Controller('v1/anomalies')
export class ExplanationsHttpController {
  constructor(private readonly explanations: AnomalyExplanations) {}

  @Get(':episodeId/explanation')
  @Requires('viewer')
  @Describe({
    summary: "An anomaly's explanation",
    description:
      'The latest explanation recorded for the anomaly episode (AnomalyExplained). Read from the log: it works with AI off too.',
    response: EXPLANATION,
    errors: {
      404: `${NOT_FOUND}; EXPLANATION_NOT_FOUND: none recorded yet (POST asks for one)`,
    },
  })
  get(
    @Param('episodeId') episodeId: string,
    @Caller() caller: Principal,
  ): Promise<ExplanationView> {
    return this.explanations.get(episodeId, (site) => maySee(caller, site));
  }

  @Post(':episodeId/explanation')
  @Requires('operator')
  @QueryParams(EXPLAIN_QUERY)
  @Describe({
    summary: 'Explain an anomaly (AI)',
    description:
      "Sends Twinlog's facts about the episode (the detector's evidence, the model's limits, recent statistics, the twin's place in the hierarchy, related anomalies on its parent and siblings) to the model as data, and records its validated answer as AnomalyExplained (causationId: the AnomalyDetected event; the caller as actor). 201 with the new explanation; 200 with the recorded one when there is one already, unless `refresh=true` asks for a new one. No body.",
    response: EXPLANATION,
    status: 201,
    also: {
      200: {
        description: 'The explanation recorded already (no `refresh=true`): nothing asked',
        schema: EXPLANATION,
      },
    },
    errors: { 404: NOT_FOUND, ...AI_ERRORS },
  })
  async explain(
    @Param('episodeId') episodeId: string,
    @Query() query: z.infer<typeof EXPLAIN_QUERY>,
    @Caller() caller: Principal,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: StatusResponse,
    @ClientGone() gone: AbortSignal,
  ): Promise<ExplanationView> {
    const correlation = req.headers['x-correlation-id'];
    const { created, view } = await this.explanations.explain(episodeId, {
      refresh: query.refresh,
      actor: req.principal?.id,
      correlationId:
        typeof correlation === 'string' && correlation.length > 0 && correlation.length <= 200
          ? correlation
          : undefined,
      see: (site) => maySee(caller, site),
      caller: caller.id,
      signal: gone,
    });
    res.status(created ? 201 : 200);
    return view;
  }
}
