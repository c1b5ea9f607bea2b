import { Controller, Get, Inject, type Type } from '@nestjs/common';
import { AI_ASSISTANT, type AiStatus, type Assistant } from '@twinlog/ai';
import { z } from 'zod';
import { Requires } from '../auth/roles.decorator';
import { Describe } from '../http/route-description';

/** An AI status answer: whether the dashboard and the CLI should offer that service's AI features. */
export const AI_STATUS = z.union([
  z.object({
    enabled: z.literal(true),
    model: z.string().describe('TWINLOG_AI_MODEL'),
    baseUrlHost: z
      .string()
      .describe(
        "The model server's host (OPENAI_BASE_URL's, or api.openai.com); never a path or key",
      ),
    usedTokensToday: z
      .number()
      .int()
      .describe(
        'Tokens the interactive asks (explain, scenario from words, report) of this process spent since midnight UTC',
      ),
    dailyTokens: z
      .number()
      .int()
      .describe(
        "TWINLOG_AI_DAILY_TOKENS: the interactive asks' per-process budget of a UTC day (the second opinion's share excluded)",
      ),
    background: z
      .object({
        usedTokensToday: z
          .number()
          .int()
          .describe('Tokens the second opinion of this process spent since midnight UTC'),
        dailyTokens: z
          .number()
          .int()
          .describe(
            "TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS: the second opinion's own per-process share of a UTC day",
          ),
      })
      .describe("The second opinion's budget (the anomaly service's; 0 used elsewhere)"),
    maxConcurrent: z.number().int().describe('TWINLOG_AI_MAX_CONCURRENT'),
    askDeadlineMs: z
      .number()
      .int()
      .describe(
        'TWINLOG_AI_ASK_DEADLINE_MS: the longest an ask takes, queue and retry included, before 502 AI_UNAVAILABLE',
      ),
    asksPerCallerPerHour: z
      .number()
      .int()
      .describe(
        'TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR: the asks one caller may send to the model in any hour (cached answers free)',
      ),
  }),
  z.object({
    enabled: z.literal(false),
    reason: z
      .string()
      .describe('Why it is off: "OPENAI_API_KEY is not set" or "TWINLOG_AI is off"'),
    howToEnable: z.string(),
  }),
]);

/** What each AI feature's service is asked for (docs/ai.md, "Is AI on, and where"). */
const FEATURES: Record<string, string> = {
  'twin-state': 'explaining anomalies',
  simulation: 'scenarios from plain words (POST /v1/simulations/ask)',
  maintenance: 'maintenance reports (GET /v1/reports/maintenance)',
  anomaly: 'the second opinion',
};

const made = new Map<string, Type<unknown>>();

/**
 * `GET /v1/ai/{service}`: the AI status of that service's own process, whose settings and token
 * budget its AI feature uses (in the distributed mode each service has its own; embedded, all
 * share one assistant and answer alike). The host serves it for every service that says
 * `usesAi`; one class per service name (the same class each time, for the OpenAPI document).
 */
export function aiStatusHttpController(service: string): Type<unknown> {
  const known = made.get(service);
  if (known) return known;
  const feature = FEATURES[service] ?? 'its AI features';

  @Controller('v1/ai')
  class ServiceAiStatusHttpController {
    constructor(@Inject(AI_ASSISTANT) private readonly assistant: Assistant) {}

    @Get(service)
    @Requires('viewer')
    @Describe({
      summary: `Whether AI assistance is on in the ${service} service`,
      description: `The AI status of the ${service} service's own process, which ${feature} uses: the model, the model server's host, the token budgets of the day of that process (the interactive asks' and, under \`background\`, the second opinion's), the ask deadline and the per-caller rate. Off (no OPENAI_API_KEY there, or TWINLOG_AI=off): why, and how to turn it on. Never the key.`,
      response: AI_STATUS,
      errors: { 401: 'UNAUTHENTICATED: no credential, or one that is not valid' },
    })
    status(): AiStatus {
      return this.assistant.status();
    }
  }
  Object.defineProperty(ServiceAiStatusHttpController, 'name', {
    value: `${service.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}AiStatusHttpController`,
  });
  made.set(service, ServiceAiStatusHttpController);
  return ServiceAiStatusHttpController;
}
