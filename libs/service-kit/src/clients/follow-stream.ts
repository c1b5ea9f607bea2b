import { createParser } from 'eventsource-parser';

/** One message of `GET /v1/stream` (as a client reads it): its type (SSE event) and its JSON data. */
export interface LiveStreamMessage {
  id: string | undefined;
  type: string;
  data: LiveStreamData;
}

export interface LiveStreamData {
  twinId: string;
  site: string | null;
  event: string;
  eventId: string;
  revision: number;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

/** An answer that retrying will not change (400, 401, 403): the message says it. */
export class StreamRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'StreamRefused';
  }
}

export interface FollowOptions {
  /** Headers sent on every connection (Authorization). */
  headers?: Record<string, string>;
  /** Query parameters of the stream (twin, subtree, site, types). */
  query: Record<string, string>;
  onMessage(message: LiveStreamMessage): void;
  /** Told once the stream is open (first time) and on each reconnect, in plain words. */
  onStatus?(line: string): void;
  /** Called once the first connection is open, before any message is handled. */
  onOpen?(): Promise<void> | void;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): spreads reconnects so that clients do not come back in lockstep (tests fix it). */
  random?: () => number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Follows the live stream until `signal` aborts: reconnects on a dropped connection (and after
 * a `fell-behind`) with Last-Event-ID, so nothing is missed or seen twice. An answer that will
 * not change by retrying (400, 401, 403) ends it with StreamRefused.
 */
export async function followStream(base: string, options: FollowOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let lastId: string | undefined;
  let retryMs = 2_000;
  let failures = 0;
  let opened = false;
  while (!options.signal?.aborted) {
    let waitMs: number | undefined;
    const url = new URL('/v1/stream', base);
    for (const [k, v] of Object.entries(options.query)) url.searchParams.set(k, v);
    try {
      const answer = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...options.headers,
          ...(lastId ? { 'last-event-id': lastId } : {}),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (answer.status === 410) {
        options.onStatus?.(
          `The log no longer holds what followed ${lastId}: some changes were missed; following from now.`,
        );
        lastId = undefined;
        continue;
      }
      // Not ready, too many streams, rate-limited, a gateway between: worth another try, no
      // sooner than the server asks (Retry-After).
      if (answer.status >= 500 || answer.status === 429) {
        waitMs = retryAfterMs(answer.headers.get('retry-after'));
        void answer.body?.cancel().catch(() => undefined);
        throw new Error(`it answered ${answer.status}`);
      }
      if (!answer.ok || !answer.body) throw await refusal(base, answer);
      failures = 0;
      if (!opened) {
        opened = true;
        await options.onOpen?.();
      } else options.onStatus?.(`Reconnected; resuming after ${lastId ?? 'the start'}.`);
      const parser = createParser({
        onId: (id) => (lastId = id),
        onRetry: (ms) => (retryMs = Math.min(ms, MAX_BACKOFF_MS)),
        onEvent: (e) => {
          if (e.event === 'unauthorized') {
            // The server ends the stream after it: the reconnect's 401/403 says why, for good.
            options.onStatus?.('The server says this credential is no longer valid.');
            return;
          }
          if (e.event === 'fell-behind') {
            lastId = (JSON.parse(e.data) as { resumeFrom: string }).resumeFrom;
            options.onStatus?.('The server says this terminal fell behind; resuming.');
            return;
          }
          options.onMessage({
            id: e.id,
            type: e.event ?? 'message',
            data: JSON.parse(e.data) as LiveStreamData,
          });
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of answer.body) parser.feed(decoder.decode(chunk, { stream: true }));
      options.onStatus?.('The stream ended; reconnecting.');
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof StreamRefused) throw error;
      failures += 1;
      options.onStatus?.(
        `Connection to ${base} lost (${(error as Error).message}); retrying in ${Math.round(Math.max(waitMs ?? 0, backoff(retryMs, failures)) / 1000)} s.`,
      );
    }
    if (!options.signal?.aborted)
      await sleep(jittered(Math.max(waitMs ?? 0, backoff(retryMs, failures)), random));
  }
}

function backoff(retryMs: number, failures: number): number {
  return Math.min(retryMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
}

/** Up to a half more, at random: after a restart, clients come back spread out. */
function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (1 + random() / 2));
}

/** Retry-After in seconds (or an HTTP date), capped; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = /^\s*\d+\s*$/.test(header)
    ? Number(header)
    : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, seconds * 1000), MAX_BACKOFF_MS * 4);
}

async function refusal(base: string, answer: Response): Promise<StreamRefused> {
  const text = await answer.text();
  let problem = text;
  try {
    const body = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (body?.code) problem = `${body.code}: ${body.message ?? ''}`;
  } catch {
    // not JSON: the raw text says it
  }
  return new StreamRefused(
    `${base}/v1/stream answered ${answer.status}: ${problem}`,
    answer.status,
  );
}
