import { Controller, Get, Inject } from '@nestjs/common';
import { AI_ASSISTANT, type AiStatus, type Assistant } from '@twinlog/ai';
import { Describe, Requires } from '@twinlog/service-kit';
import { z } from 'zod';

/** `GET /v1/ai`'s answer: whether the dashboard and the CLI should offer the AI features. */
export const AI_STATUS = z.union([
  z.object({
    enabled: z.literal(true),
    model: z.string().describe('TWINLOG_AI_MODEL'),
    baseUrlHost: z
      .string()
      .describe(
        "The model server's host (OPENAI_BASE_URL's, or api.openai.com); never a path or key",
      ),
    usedTokensToday: z.number().int().describe('Tokens this process spent since midnight UTC'),
    dailyTokens: z
      .number()
      .int()
      .describe('TWINLOG_AI_DAILY_TOKENS: the per-process budget of a UTC day'),
    maxConcurrent: z.number().int().describe('TWINLOG_AI_MAX_CONCURRENT'),
  }),
  z.object({
    enabled: z.literal(false),
    reason: z
      .string()
      .describe('Why it is off: "OPENAI_API_KEY is not set" or "TWINLOG_AI is off"'),
    howToEnable: z.string(),
  }),
]);

/** The AI layer's status (docs/ai.md): on or off, and with what. */
@Controller('v1/ai')
export class AiStatusHttpController {
  constructor(@Inject(AI_ASSISTANT) private readonly assistant: Assistant) {}

  @Get()
  @Requires('viewer')
  @Describe({
    summary: 'Whether AI assistance is on',
    description:
      "The AI layer's status, for the dashboard and the CLI to offer the AI features only when it is on: the model, the model server's host and the token budget of the day (this service's process). Off (no OPENAI_API_KEY, or TWINLOG_AI=off): why, and how to turn it on. Never the key.",
    response: AI_STATUS,
    errors: { 401: 'UNAUTHENTICATED: no credential, or one that is not valid' },
  })
  status(): AiStatus {
    return this.assistant.status();
  }
}
