import { Logger } from '@nestjs/common';
import OpenAI from 'openai';
import type { z } from 'zod';
import { TwinlogError, type AiStatus } from '@twinlog/domain';
import { AI_OFF_MESSAGE, HOW_TO_ENABLE_AI, hostOf, type AiSettings } from './ai-settings';
import { AnswerCache, askKey } from './answer-cache';
import { checkAnswer, isSchemaName, responseFormatOf } from './answer-format';
import { ConcurrencyGate } from './concurrency-gate';
import { messagesFor, retryMessages, type ChatMessage } from './data-block';
import { unavailable } from './model-server-errors';
import { TokenBudget } from './token-budget';

/** One question to the model: our instructions, the plant's data, the answer's schema. */
export interface AskTask<T> {
  /** Names the schema (letters, digits, _ and -) and the ask in the logs: "anomaly-explanation". */
  name: string;
  schema: z.ZodType<T>;
  /** Ours only: never put plant text here (it goes in `data`). */
  instructions: string;
  /** Everything from the plant: quoted as untrusted data. */
  data: Record<string, unknown>;
  maxOutputTokens?: number;
  /** The feature's own validation after the schema's: problems, or none. */
  check?: (value: T) => string[];
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface AskAnswer<T> {
  value: T;
  model: string;
  usage: TokenUsage;
  cached: boolean;
  /**
   * Requests this ask made: 1, or 2 after an invalid first answer (the client's transport
   * retries not counted); 0 for a cached answer, whose usage is 0 too.
   */
  attempts: number;
}

/** `GET /v1/ai`'s answer: defined in libs/domain, where the dashboard reads it too. */
export type { AiStatus };

/**
 * The AI layer's one way to the model (docs/adr/0022): structured outputs from the zod schema,
 * the answer validated and retried once, the client's retries on 429/5xx, a timeout, a
 * concurrency limit, a token budget per UTC day and a cache of identical asks. Its output is
 * only ever a validated value: nothing here acts on it.
 */
export class Assistant {
  private readonly logger = new Logger('Assistant');
  private readonly client: OpenAI | undefined;
  private readonly budget: TokenBudget;
  private readonly gate: ConcurrencyGate;
  private readonly cache: AnswerCache<AskAnswer<unknown>>;
  /** Asks out at the model now, by key: an identical one waits for that answer. */
  private readonly pending = new Map<string, Promise<AskAnswer<unknown>>>();

  constructor(
    private readonly settings: AiSettings,
    now: () => number = Date.now,
  ) {
    this.budget = new TokenBudget(settings.dailyTokens, now);
    this.gate = new ConcurrencyGate(settings.maxConcurrent, settings.maxWaiting);
    this.cache = new AnswerCache(settings.cacheEntries, settings.cacheTtlMs, now);
    this.client = settings.enabled
      ? new OpenAI({
          apiKey: settings.apiKey(),
          ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
          timeout: settings.timeoutMs,
          maxRetries: settings.maxRetries,
          // The client's own logging stays off: its debug lines would include request options.
          logLevel: 'off',
          logger: SILENT,
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  status(): AiStatus {
    if (!this.client) {
      return {
        enabled: false,
        reason: this.settings.offReason ?? 'AI is off',
        howToEnable: HOW_TO_ENABLE_AI,
      };
    }
    return {
      enabled: true,
      model: this.settings.model,
      baseUrlHost: hostOf(this.settings.baseUrl),
      usedTokensToday: this.budget.usedToday(),
      dailyTokens: this.settings.dailyTokens,
      maxConcurrent: this.settings.maxConcurrent,
    };
  }

  /** The validated answer, or AI_OFF, AI_BUSY, AI_BUDGET_EXHAUSTED, AI_UNAVAILABLE, AI_ANSWER_INVALID. */
  async ask<T>(task: AskTask<T>): Promise<AskAnswer<T>> {
    const client = this.client;
    if (!client)
      throw new TwinlogError('AI_OFF', AI_OFF_MESSAGE, { howToEnable: HOW_TO_ENABLE_AI });
    if (!isSchemaName(task.name))
      throw new Error(`ask name ${JSON.stringify(task.name)} is not a schema name`);
    const format = responseFormatOf(task.name, task.schema);
    const key = askKey({
      model: this.settings.model,
      name: task.name,
      schema: format.json_schema.schema,
      instructions: task.instructions,
      data: task.data,
      maxOutputTokens: task.maxOutputTokens,
    });
    // The same ask again, or while the first is still out: its answer, free of charge. (No
    // await between the look-up and `pending.set` below, or two could both miss.)
    const cachedAnswer = this.cache.get(key) as AskAnswer<T> | undefined;
    if (cachedAnswer) return asCached(cachedAnswer);
    const inFlight = this.pending.get(key) as Promise<AskAnswer<T>> | undefined;
    if (inFlight) {
      const shared = await inFlight.catch(() => undefined);
      if (shared) return asCached(shared);
    }
    this.budget.check();
    const asking = this.gate.run(() => this.askValid(client, task, format));
    this.pending.set(key, asking);
    try {
      const answer = await asking;
      this.cache.set(key, answer);
      return answer;
    } finally {
      this.pending.delete(key);
    }
  }

  private async askValid<T>(
    client: OpenAI,
    task: AskTask<T>,
    format: ReturnType<typeof responseFormatOf>,
  ): Promise<AskAnswer<T>> {
    const first = messagesFor(task.instructions, task.data);
    const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let messages = first;
    let problems: string[] = [];
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      // Again inside the gate: the asks ahead in the queue may have spent the day's budget.
      this.budget.check();
      const reply = await this.request(client, messages, format, task.maxOutputTokens);
      addUsage(usage, reply.usage);
      this.budget.spend(reply.usage.totalTokens);
      const checked = checkAnswer(reply.text, task.schema, task.check);
      if (checked.ok) {
        this.logger.log(
          `${task.name}: answered by ${reply.model} in ${attempt} attempt(s), ${usage.totalTokens} tokens`,
        );
        return {
          value: checked.value,
          model: reply.model,
          usage,
          cached: false,
          attempts: attempt,
        };
      }
      problems = checked.problems;
      this.logger.warn(
        `${task.name}: answer ${attempt} invalid: ${problems.slice(0, 3).join('; ')}`,
      );
      messages = retryMessages(first, reply.text ?? '', problems);
    }
    throw new TwinlogError(
      'AI_ANSWER_INVALID',
      `the model answered twice with something that does not validate (${task.name}); nothing of it was used`,
      { task: task.name, problems },
    );
  }

  private async request(
    client: OpenAI,
    messages: ChatMessage[],
    format: ReturnType<typeof responseFormatOf>,
    maxOutputTokens: number | undefined,
  ): Promise<{ text: string | null; model: string; usage: TokenUsage }> {
    const started = Date.now();
    try {
      const completion = await client.chat.completions.create({
        model: this.settings.model,
        messages,
        response_format: format,
        ...(maxOutputTokens ? { max_completion_tokens: maxOutputTokens } : {}),
      });
      const message = completion.choices?.[0]?.message;
      const text = message?.refusal ? null : (message?.content ?? null);
      return {
        text,
        model: typeof completion.model === 'string' ? completion.model : this.settings.model,
        usage: usageOf(completion.usage, messages, text),
      };
    } catch (error) {
      throw unavailable(error, {
        host: hostOf(this.settings.baseUrl),
        timeoutMs: this.settings.timeoutMs,
        maxRetries: this.settings.maxRetries,
        key: this.settings.apiKey(),
        elapsedMs: Date.now() - started,
      });
    }
  }
}

function asCached<T>(answer: AskAnswer<T>): AskAnswer<T> {
  return {
    ...answer,
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    cached: true,
    attempts: 0,
  };
}
const ignore = () => undefined;
const SILENT = { debug: ignore, info: ignore, warn: ignore, error: ignore };

function addUsage(total: TokenUsage, more: TokenUsage): void {
  total.promptTokens += more.promptTokens;
  total.completionTokens += more.completionTokens;
  total.totalTokens += more.totalTokens;
}

/** The server's usage; a server that reports none is charged about a token per 4 characters. */
function usageOf(
  usage: OpenAI.CompletionUsage | undefined,
  messages: ChatMessage[],
  text: string | null,
): TokenUsage {
  if (usage && Number.isFinite(usage.total_tokens)) {
    return {
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      totalTokens: usage.total_tokens,
    };
  }
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completionTokens = Math.ceil((text?.length ?? 0) / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
