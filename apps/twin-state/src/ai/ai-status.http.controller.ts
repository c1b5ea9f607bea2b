import { Controller, Get, Inject } from '@nestjs/common';
import { AI_ASSISTANT, type AiStatus, type Assistant } from '@twinlog/ai';
import { AI_STATUS, Describe, Requires } from '@twinlog/service-kit';

/**
 * The AI layer's status (docs/ai.md): on or off, and with what, in twin-state's process (the one
 * explaining anomalies). Each AI service answers its own at GET /v1/ai/<service>.
 */
@Controller('v1/ai')
export class AiStatusHttpController {
  constructor(@Inject(AI_ASSISTANT) private readonly assistant: Assistant) {}

  @Get()
  @Requires('viewer')
  @Describe({
    summary: 'Whether AI assistance is on',
    description:
      "The AI layer's status, for the dashboard and the CLI to offer the AI features only when it is on: the model, the model server's host, the token budgets of the day of twin-state's process, which explains anomalies (the interactive asks' and, under `background`, the second opinion's), the ask deadline and the per-caller rate; each AI service's own (scenarios from words: simulation, reports: maintenance) is at GET /v1/ai/{service}. Off (no OPENAI_API_KEY, or TWINLOG_AI=off): why, and how to turn it on. Never the key.",
    response: AI_STATUS,
    errors: { 401: 'UNAUTHENTICATED: no credential, or one that is not valid' },
  })
  status(): AiStatus {
    return this.assistant.status();
  }
}
