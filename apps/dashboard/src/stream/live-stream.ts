import { createParser } from 'eventsource-parser';

/**
 * What the indicator shows: receiving, trying to get back, paused on purpose, or stopped by the
 * server's refusal (400, 403, 404: retrying would be refused again; `onStopped` says why).
 */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'paused' | 'stopped';

/** One message of `GET /v1/stream` (docs/services/stream.md), its `data` parsed. */
export interface StreamMessage {
  id: string | undefined;
  type: string;
  data: StreamData;
}

export interface StreamData {
  twinId: string;
  site: string | null;
  event: string;
  eventId: string;
  revision: number;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

export interface LiveStreamOptions {
  /** `/v1/stream?...`: the filter of what the page shows. */
  url: string;
  headers: () => Record<string, string>;
  onMessage: (message: StreamMessage) => void;
  onStatus?: (status: StreamStatus) => void;
  /** The position given is too old to resume from (410): the page should load afresh. */
  onResync?: () => void;
  /** A 401, or the server ending the stream for a revoked or expired credential. */
  onUnauthorized?: (message: string) => void;
  /** The server refused the stream for good (400, 403, 404): its status and message. */
  onStopped?: (status: number, message: string) => void;
  fetch?: typeof fetch;
  /** Backoff with full jitter: a random delay up to min(maxMs, baseMs × 2^attempt). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A connection that stayed up this long (or delivered a message) resets the backoff. */
  stableAfterMs?: number;
  now?: () => number;
}

/** After a connection: retry with backoff, reload and reconnect, stop (401, paused) or stopped (refused). */
type Next = 'retry' | 'resync' | 'stop' | 'stopped';

export interface LiveStream {
  readonly status: StreamStatus;
  /** The id of the last message received: where a reconnect resumes. */
  readonly lastEventId: string | undefined;
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * Follows the live stream with fetch (EventSource cannot send the credential's headers),
 * resuming after a drop from the last message's id (`Last-Event-ID`), so nothing is missed or
 * repeated; waits between attempts with backoff and jitter. Paused or closed, it holds no
 * connection.
 */
export function openLiveStream(options: LiveStreamOptions): LiveStream {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 10_000;
  const now = options.now ?? Date.now;
  let status: StreamStatus = 'connecting';
  let lastEventId: string | undefined;
  let closed = false;

  const setStatus = (next: StreamStatus) => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next);
  };

  /**
   * One connection: resolves when it ends, saying what to do next and whether it was healthy
   * (delivered a message or stayed up `stableAfterMs`): only a healthy one resets the backoff, so
   * a proxy that accepts and closes at once is retried ever more slowly, not every 250 ms.
   */
  const connect = async (signal: AbortSignal): Promise<{ next: Next; healthy: boolean }> => {
    const sentId = lastEventId;
    const answer = await doFetch(options.url, {
      headers: {
        accept: 'text/event-stream',
        ...options.headers(),
        ...(sentId ? { 'last-event-id': sentId } : {}),
      },
      signal,
    });
    if (answer.status === 401) {
      options.onUnauthorized?.(await messageOf(answer, 'Unauthenticated'));
      return { next: 'stop', healthy: false };
    }
    const refusal = answer.ok ? undefined : await errorOf(answer);
    // 410: the position expired. 400 STREAM_ID_INVALID for the id we sent: not a position this
    // server knows (a rollback, another instance). Both: start from now, reload the page's data.
    if (
      answer.status === 410 ||
      (answer.status === 400 && sentId && refusal?.code === 'STREAM_ID_INVALID')
    ) {
      lastEventId = undefined;
      options.onResync?.();
      return { next: 'resync', healthy: false };
    }
    // Any other 400 (a filter this server refuses), 403 or 404 would be refused again: stop, say why.
    if (answer.status === 400 || answer.status === 403 || answer.status === 404) {
      options.onStopped?.(answer.status, refusal?.message ?? `refused (${answer.status})`);
      return { next: 'stopped', healthy: false };
    }
    if (!answer.ok || !answer.body) {
      await answer.body?.cancel();
      return { next: 'retry', healthy: false };
    }
    setStatus('live');
    const openedAt = now();
    let delivered = false;
    let verdict = 'retry' as 'retry' | 'stop';
    const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = createParser({
      onEvent: (event) => {
        if (event.id) lastEventId = event.id;
        const type = event.event ?? 'message';
        if (type === 'unauthorized') {
          verdict = 'stop';
          void reader.cancel();
          options.onUnauthorized?.('The credential was revoked or expired: log in again');
          return;
        }
        delivered = true;
        if (type === 'fell-behind') {
          const resumeFrom = parseJson<{ resumeFrom?: string }>(event.data)?.resumeFrom;
          if (resumeFrom) lastEventId = resumeFrom;
          return;
        }
        const data = parseJson<StreamData>(event.data);
        if (data) options.onMessage({ id: event.id, type, data });
      },
    });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || verdict === 'stop') break;
        parser.feed(value);
      }
    } finally {
      reader.releaseLock();
    }
    return { next: verdict, healthy: delivered || now() - openedAt >= stableAfterMs };
  };

  // Each run of the loop has a generation: pause and close end the current one, resume starts
  // the next, so a connection ending late never touches the one after it.
  let generation = 0;
  let current: AbortController | undefined;
  const run = async (mine: number) => {
    let attempt = 0;
    // A resync reconnects at once the first time; again before a healthy connection, after the
    // backoff (a server answering 410 for ever is not asked in a loop).
    let resyncAtOnce = true;
    while (!closed && mine === generation) {
      const controller = new AbortController();
      current = controller;
      let next: Next = 'retry';
      try {
        const ended = await connect(controller.signal);
        next = ended.next;
        if (ended.healthy) {
          attempt = 0;
          resyncAtOnce = true;
        }
      } catch {
        next = 'retry';
      }
      if (closed || mine !== generation) return;
      if (next === 'stop') return setStatus('paused');
      if (next === 'stopped') return setStatus('stopped');
      setStatus('reconnecting');
      if (next === 'resync' && resyncAtOnce) {
        resyncAtOnce = false;
        continue;
      }
      const wait = random() * Math.min(max, base * 2 ** attempt);
      attempt++;
      await sleep(wait, controller.signal).catch(() => undefined);
    }
  };
  const stop = () => {
    generation++;
    current?.abort();
    current = undefined;
  };

  options.onStatus?.(status);
  void run(generation);
  return {
    get status() {
      return status;
    },
    get lastEventId() {
      return lastEventId;
    },
    pause() {
      stop();
      setStatus('paused');
    },
    resume() {
      if (closed || (status !== 'paused' && status !== 'stopped')) return;
      stop();
      setStatus('reconnecting');
      void run(generation);
    },
    close() {
      closed = true;
      stop();
      setStatus('paused');
    },
  };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

async function messageOf(answer: Response, otherwise: string): Promise<string> {
  return (await errorOf(answer))?.message ?? otherwise;
}

/** The `{ error: { code, message } }` of a refusal, if its body has one. */
async function errorOf(answer: Response): Promise<{ code?: string; message?: string } | undefined> {
  try {
    const body = (await answer.json()) as { error?: { code?: string; message?: string } };
    return body.error;
  } catch {
    return undefined;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}
