import { Logger } from '@nestjs/common';
import OpenAI from 'openai';
import type { z } from 'zod';
import { AI_TEXT_LIMITS, TwinlogError, type AiStatus } from '@twinlog/domain';
import { AI_OFF_MESSAGE, HOW_TO_ENABLE_AI, hostOf, type AiSettings } from './ai-settings';
import { AnswerCache, askKey } from './answer-cache';
import { checkAnswer, isSchemaName, responseFormatOf } from './answer-format';
import { CallerRate } from './caller-rate';
import { cappedFetch, requestTally, type RequestTally } from './capped-fetch';
import { ConcurrencyGate } from './concurrency-gate';
import { messagesFor, retryMessages, type ChatMessage } from './data-block';
import { callerLeft, pastDeadline, unavailable } from './model-server-errors';
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
  /** The answer's cap (max_completion_tokens): bounds each request's cost, and its reservation. */
  maxOutputTokens: number;
  /** The feature's own validation after the schema's: problems, or none. */
  check?: (value: T) => string[];
}

/** How one ask is made: who waits for it, and which share of the budget it draws from. */
export interface AskOptions {
  /** Aborts the ask (the caller left): out of the queue, the request cancelled, nothing used. */
  signal?: AbortSignal;
  /** Who asks (the authenticated principal): each caller has TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR. */
  caller?: string;
  /** A background ask (the second opinion): its own daily share, and no caller's rate. */
  background?: boolean;
  /** Skips the cache look-up (a new answer), and still stores what comes back. */
  refresh?: boolean;
  /**
   * When the caller began to wait (epoch ms; default: now): the deadline counts from it, so a
   * feature's own wait before the ask (an earlier ask of the same thing) is part of it.
   */
  since?: number;
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
 * the answer validated and retried once, the client's retries on 429/5xx, a timeout per request
 * and a deadline per ask, a concurrency limit, a rate per caller, token budgets per UTC day
 * (interactive asks and background asks each their own) and a cache of identical asks. Its
 * output is only ever a validated value: nothing here acts on it.
 */
export class Assistant {
  private readonly logger = new Logger('Assistant');
  private readonly client: OpenAI | undefined;
  private readonly budget: TokenBudget;
  private readonly backgroundBudget: TokenBudget;
  private readonly rate: CallerRate;
  private readonly gate: ConcurrencyGate;
  private readonly cache: AnswerCache<AskAnswer<unknown>>;
  /** Asks out at the model now, by key: an identical one waits for that answer. */
  private readonly pending = new Map<string, Promise<AskAnswer<unknown>>>();

  constructor(
    private readonly settings: AiSettings,
    now: () => number = Date.now,
  ) {
    this.budget = new TokenBudget(settings.dailyTokens, now);
    this.backgroundBudget = new TokenBudget(
      settings.backgroundDailyTokens,
      now,
      'TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS',
    );
    this.rate = new CallerRate(settings.asksPerCallerPerHour, now);
    this.gate = new ConcurrencyGate(settings.maxConcurrent, settings.maxWaiting);
    this.cache = new AnswerCache(settings.cacheEntries, settings.cacheTtlMs, now);
    this.client = settings.enabled
      ? new OpenAI({
          apiKey: settings.apiKey(),
          ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
          timeout: settings.timeoutMs,
          maxRetries: settings.maxRetries,
          fetch: cappedFetch(settings.maxResponseBytes),
          // The client's own logging stays off: its debug lines would include request options.
          logLevel: 'off',
          logger: SILENT,
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** Throws AI_OFF (saying how to turn it on) when AI is off: the features' first check. */
  assertOn(): void {
    this.clientOrOff();
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
      background: {
        usedTokensToday: this.backgroundBudget.usedToday(),
        dailyTokens: this.settings.backgroundDailyTokens,
      },
      maxConcurrent: this.settings.maxConcurrent,
      askDeadlineMs: this.settings.askDeadlineMs,
      asksPerCallerPerHour: this.settings.asksPerCallerPerHour,
    };
  }

  /**
   * The validated answer, or AI_OFF, AI_BUSY, AI_RATE_LIMITED, AI_BUDGET_EXHAUSTED,
   * AI_UNAVAILABLE (a failure, TWINLOG_AI_ASK_DEADLINE_MS passed, or the caller left) or
   * AI_ANSWER_INVALID.
   */
  async ask<T>(task: AskTask<T>, options: AskOptions = {}): Promise<AskAnswer<T>> {
    const client = this.clientOrOff();
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
    // The same ask again: its answer, free of charge (not for a refresh, which wants a new one).
    const cachedAnswer = options.refresh
      ? undefined
      : (this.cache.get(key) as AskAnswer<T> | undefined);
    if (cachedAnswer) return asCached(cachedAnswer);
    const run = new AskRun(this.settings.askDeadlineMs, options.signal, options.since);
    try {
      const inFlight = options.refresh
        ? undefined
        : (this.pending.get(key) as Promise<AskAnswer<T>> | undefined);
      if (inFlight) {
        // While the first is still out: its answer, also free (within this ask's deadline).
        const shared = await run.within(inFlight.catch(() => undefined));
        if (shared) return asCached(shared);
      }
      const budget = options.background ? this.backgroundBudget : this.budget;
      budget.check();
      const giveBack =
        !options.background && options.caller !== undefined
          ? this.rate.take(options.caller)
          : undefined;
      let admitted = false;
      const asking = this.gate.run(() => {
        admitted = true;
        return this.askValid(client, task, format, budget, run);
      }, run.signal);
      // Refused busy, or the caller left (or the deadline passed) while it waited: the ask
      // never reached the model, so it does not count toward the caller's hour.
      asking.catch(() => {
        if (!admitted) giveBack?.();
      });
      this.pending.set(key, asking);
      try {
        const answer = await asking;
        this.cache.set(key, answer);
        return answer;
      } finally {
        if (this.pending.get(key) === asking) this.pending.delete(key);
      }
    } catch (error) {
      const stopped = run.stopped(hostOf(this.settings.baseUrl));
      if (stopped) this.logger.warn(`${task.name}: ${stopped.message}`);
      throw stopped ?? error;
    } finally {
      run.end();
    }
  }

  private clientOrOff(): OpenAI {
    if (!this.client)
      throw new TwinlogError('AI_OFF', AI_OFF_MESSAGE, { howToEnable: HOW_TO_ENABLE_AI });
    return this.client;
  }

  private async askValid<T>(
    client: OpenAI,
    task: AskTask<T>,
    format: ReturnType<typeof responseFormatOf>,
    budget: TokenBudget,
    run: AskRun,
  ): Promise<AskAnswer<T>> {
    const first = messagesFor(task.instructions, task.data);
    const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let messages = first;
    let problems: string[] = [];
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      // No model answers in what is left: the deadline has as good as passed (a queued ask let
      // in just as the one ahead of it timed out).
      if (run.remainingMs() < MIN_REQUEST_MS) {
        run.expire();
        throw run.signal.reason as Error;
      }
      // Reserved inside the gate (the asks ahead may have spent the day's budget), before the
      // request: concurrent asks see each other's, settled to the reported usage after.
      const reservation = budget.reserve(estimatedTokens(messages, task.maxOutputTokens));
      let reply: Awaited<ReturnType<Assistant['request']>>;
      try {
        reply = await this.request(client, messages, format, task.maxOutputTokens, run);
      } catch (error) {
        reservation.settle(0);
        throw error;
      }
      reservation.settle(reply.usage.totalTokens);
      addUsage(usage, reply.usage);
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
    maxOutputTokens: number,
    run: AskRun,
  ): Promise<{ text: string | null; model: string; usage: TokenUsage }> {
    const started = Date.now();
    const tally: RequestTally = { attempts: 0 };
    try {
      const completion = await requestTally.run(tally, () =>
        client.chat.completions.create(
          {
            model: this.settings.model,
            messages,
            response_format: format,
            max_completion_tokens: maxOutputTokens,
          },
          // Each request's timeout shrinks to what is left of the ask's deadline; the signal
          // ends the client's retries (and their Retry-After waits) when it passes.
          {
            signal: run.signal,
            timeout: Math.max(1, Math.min(this.settings.timeoutMs, run.remainingMs())),
          },
        ),
      );
      const message = completion.choices?.[0]?.message;
      const text = message?.refusal ? null : (message?.content ?? null);
      return {
        text,
        model: modelNameOf(completion.model, this.settings.model),
        usage: usageOf(completion.usage, messages, text),
      };
    } catch (error) {
      // A deadline or a caller gone: the ask says which (AskRun.stopped), not the client. (A
      // request timeout shrunk to the deadline may fire a moment before the deadline's timer.)
      if (run.remainingMs() <= 0) run.expire();
      if (run.signal.aborted) throw error;
      throw unavailable(error, {
        host: hostOf(this.settings.baseUrl),
        model: this.settings.model,
        timeoutMs: this.settings.timeoutMs,
        attempts: Math.max(1, tally.attempts),
        key: this.settings.apiKey(),
        elapsedMs: Date.now() - started,
        ...(tally.tooLargeBytes !== undefined ? { tooLargeBytes: tally.tooLargeBytes } : {}),
      });
    } finally {
      run.attempts += tally.attempts;
    }
  }
}

/**
 * One ask's deadline and its caller's signal, as one signal for the queue, the client and its
 * retries. When it aborts, `stopped` says which and how far the ask got.
 */
class AskRun {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly endsAt: number;
  private why: 'deadline' | 'caller' | undefined;
  /** Requests sent to the model server so far (transport and validation retries included). */
  attempts = 0;

  constructor(
    private readonly deadlineMs: number,
    private readonly caller: AbortSignal | undefined,
    since = Date.now(),
  ) {
    this.endsAt = Math.min(since, Date.now()) + deadlineMs;
    this.timer = setTimeout(() => this.stop('deadline'), Math.max(0, this.remainingMs()));
    if (caller?.aborted) this.stop('caller');
    caller?.addEventListener('abort', this.callerLeft, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return this.endsAt - Date.now();
  }

  /** `work`'s outcome, or the abort's when it comes first. */
  within<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const abort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', abort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
    });
  }

  /** AI_UNAVAILABLE saying the deadline passed or the caller left; undefined if neither. */
  stopped(host: string): TwinlogError | undefined {
    if (this.why === 'caller') return callerLeft(this.attempts);
    if (this.why === 'deadline')
      return pastDeadline({ host, attempts: this.attempts, deadlineMs: this.deadlineMs });
    return undefined;
  }

  /** The deadline has passed (its timer may not have fired yet). */
  expire(): void {
    this.stop('deadline');
  }

  end(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.callerLeft);
  }

  private readonly callerLeft = () => this.stop('caller');

  private stop(why: 'deadline' | 'caller'): void {
    if (this.why) return;
    this.why = why;
    this.controller.abort(new Error(why === 'deadline' ? 'ask deadline passed' : 'caller left'));
  }
}

/** A request is not sent with less than this left of the ask's deadline. */
const MIN_REQUEST_MS = 250;

/** Reserved before a request: about a token per 3 characters sent, and the answer's cap. */
function estimatedTokens(messages: ChatMessage[], maxOutputTokens: number): number {
  const characters = messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(characters / 3) + maxOutputTokens;
}

/**
 * The server's name for its model, as the events take it: control characters out, at most
 * AI_TEXT_LIMITS.model characters (llama.cpp reports a file path); ours when none is left.
 */
export function modelNameOf(reported: unknown, fallback: string): string {
  if (typeof reported !== 'string') return fallback;
  // eslint-disable-next-line no-control-regex -- the point is to remove them
  const plain = reported.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return plain === '' ? fallback : plain.slice(0, AI_TEXT_LIMITS.model);
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
