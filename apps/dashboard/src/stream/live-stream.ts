import { createParser } from 'eventsource-parser';

/** What the indicator shows: receiving, trying to get back, or stopped on purpose (or for good). */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'paused';

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
  fetch?: typeof fetch;
  /** Backoff with full jitter: a random delay up to min(maxMs, baseMs × 2^attempt). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

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
  let status: StreamStatus = 'connecting';
  let lastEventId: string | undefined;
  let closed = false;

  const setStatus = (next: StreamStatus) => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next);
  };

  /** One connection: resolves when it ends, saying what to do next. */
  const connect = async (signal: AbortSignal): Promise<'retry' | 'retry-now' | 'stop'> => {
    const answer = await doFetch(options.url, {
      headers: {
        accept: 'text/event-stream',
        ...options.headers(),
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
    if (answer.status === 401) {
      options.onUnauthorized?.(await messageOf(answer));
      return 'stop';
    }
    if (answer.status === 410 || answer.status === 400) {
      // The position expired (or is not one this server knows): start from now, reload the page's data.
      await answer.body?.cancel();
      lastEventId = undefined;
      options.onResync?.();
      return 'retry-now';
    }
    if (!answer.ok || !answer.body) {
      await answer.body?.cancel();
      return answer.status === 403 || answer.status === 404 ? 'stop' : 'retry';
    }
    setStatus('live');
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
    return verdict;
  };

  // Each run of the loop has a generation: pause and close end the current one, resume starts
  // the next, so a connection ending late never touches the one after it.
  let generation = 0;
  let current: AbortController | undefined;
  const run = async (mine: number) => {
    let attempt = 0;
    while (!closed && mine === generation) {
      const controller = new AbortController();
      current = controller;
      let next: 'retry' | 'retry-now' | 'stop' = 'retry';
      try {
        next = await connect(controller.signal);
        if (status === 'live') attempt = 0;
      } catch {
        next = 'retry';
      }
      if (closed || mine !== generation) return;
      if (next === 'stop') return setStatus('paused');
      setStatus('reconnecting');
      if (next === 'retry') {
        const wait = random() * Math.min(max, base * 2 ** attempt);
        attempt++;
        await sleep(wait, controller.signal).catch(() => undefined);
      }
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
      if (closed || status !== 'paused') return;
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

async function messageOf(answer: Response): Promise<string> {
  try {
    const body = (await answer.json()) as { error?: { message?: string } };
    return body.error?.message ?? 'Unauthenticated';
  } catch {
    return 'Unauthenticated';
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
