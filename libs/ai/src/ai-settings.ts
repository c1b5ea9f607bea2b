import { z } from 'zod';

/** What AI_OFF and an off status say: plainly off, and how to turn it on. */
export const HOW_TO_ENABLE_AI =
  'set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server such as vLLM, Ollama or llama.cpp) and restart; see docs/ai.md';

export const AI_OFF_MESSAGE = `AI is off: ${HOW_TO_ENABLE_AI}`;

/**
 * The AI layer's settings, one object per process. The key is a function, never a field: the
 * settings can be logged or serialised without it (JSON drops functions, inspect shows none).
 */
export interface AiSettings {
  enabled: boolean;
  /** Why it is off (undefined when on). */
  offReason?: string;
  /** OPENAI_API_KEY as the openai client reads it; a function so it never serialises. */
  apiKey: () => string;
  /** OPENAI_BASE_URL as given (undefined: the client's default, OpenAI's API). */
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  /**
   * The whole ask, start to answer: the wait for a slot, the client's transport retries and
   * the validation retry. Below the HTTP idle timeout, so the caller hears why (502 timeout).
   */
  askDeadlineMs: number;
  /** Uncached interactive asks per caller and hour (0: no limit); one more is AI_RATE_LIMITED. */
  asksPerCallerPerHour: number;
  maxConcurrent: number;
  /** Asks that may wait for a free slot; one more is refused with AI_BUSY. */
  maxWaiting: number;
  /** Tokens per UTC day of interactive asks (explain, ask, report). */
  dailyTokens: number;
  /** Tokens per UTC day of background asks (the second opinion): a share of their own. */
  backgroundDailyTokens: number;
  /** The largest response body read from the model server; a bigger one is AI_UNAVAILABLE. */
  maxResponseBytes: number;
  cacheEntries: number;
  cacheTtlMs: number;
}

/** A chat completion of ours is a few kB: a body past this is a broken server, never parsed. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const int = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The variables, keyed by name, with their defaults (service-kit's readAiSettings parses the
 * environment with it, so a bad value stops start-up naming the variable).
 */
export const aiEnvSchema = z.object({
  // On iff non-empty; the openai client's own variable, so every OpenAI tool's setup works.
  OPENAI_API_KEY: z.string().optional(),
  // An OpenAI-compatible server (vLLM, Ollama, llama.cpp): its /v1 base URL.
  OPENAI_BASE_URL: z.string().url().optional(),
  // off: AI stays off even with a key (a site that must not send plant data anywhere).
  TWINLOG_AI: z.enum(['on', 'off']).default('on'),
  TWINLOG_AI_MODEL: z.string().trim().min(1).max(200).default('gpt-4.1-mini'),
  // Per request to the model server; each transport retry waits this long again.
  TWINLOG_AI_TIMEOUT_MS: int(100, 30_000, 600_000),
  // Retries of the openai client on 429, 5xx, timeouts and lost connections, with its backoff
  // (honouring Retry-After).
  TWINLOG_AI_MAX_RETRIES: int(0, 2, 10),
  // The whole ask (queue wait, transport retries, validation retry): below
  // TWINLOG_HTTP_IDLE_TIMEOUT_MS (checked at start-up), so a caller always hears the outcome.
  TWINLOG_AI_ASK_DEADLINE_MS: int(100, 45_000, 3_600_000),
  // Uncached asks per caller (the authenticated principal) and hour; 0: no limit.
  TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR: int(0, 30, 1_000_000),
  TWINLOG_AI_MAX_CONCURRENT: int(1, 4, 256),
  // Tokens (usage.total_tokens) per process and UTC day: a runaway loop cannot run up a bill.
  TWINLOG_AI_DAILY_TOKENS: int(0, 1_000_000),
  // The second opinion's own tokens per process and UTC day: it never takes the interactive
  // asks' budget, and they never take its share.
  TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS: int(0, 300_000),
  TWINLOG_AI_CACHE_ENTRIES: int(0, 500, 100_000),
  TWINLOG_AI_CACHE_TTL_S: int(0, 3600, 7 * 24 * 3600),
});

export type AiEnv = z.infer<typeof aiEnvSchema>;

/** Settings from the parsed variables: on iff a key is set and TWINLOG_AI is not off. */
export function aiSettingsOf(env: AiEnv): AiSettings {
  // Trimmed as the openai client trims what it reads from the environment.
  const key = env.OPENAI_API_KEY?.trim() ?? '';
  const offReason =
    env.TWINLOG_AI === 'off'
      ? 'TWINLOG_AI is off'
      : key === ''
        ? 'OPENAI_API_KEY is not set'
        : undefined;
  const baseUrl = env.OPENAI_BASE_URL?.trim();
  return {
    enabled: offReason === undefined,
    ...(offReason ? { offReason } : {}),
    apiKey: () => key,
    ...(baseUrl ? { baseUrl } : {}),
    model: env.TWINLOG_AI_MODEL,
    timeoutMs: env.TWINLOG_AI_TIMEOUT_MS,
    maxRetries: env.TWINLOG_AI_MAX_RETRIES,
    askDeadlineMs: env.TWINLOG_AI_ASK_DEADLINE_MS,
    asksPerCallerPerHour: env.TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR,
    maxConcurrent: env.TWINLOG_AI_MAX_CONCURRENT,
    maxWaiting: 50,
    dailyTokens: env.TWINLOG_AI_DAILY_TOKENS,
    backgroundDailyTokens: env.TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    cacheEntries: env.TWINLOG_AI_CACHE_ENTRIES,
    cacheTtlMs: env.TWINLOG_AI_CACHE_TTL_S * 1000,
  };
}

/** The settings of AI switched off (tests, services started without settings). */
export const AI_OFF_SETTINGS: AiSettings = aiSettingsOf(aiEnvSchema.parse({ TWINLOG_AI: 'off' }));

/** Only the host of the base URL: a URL may carry credentials or a path with a token. */
export function hostOf(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return 'api.openai.com';
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'unknown';
  }
}
