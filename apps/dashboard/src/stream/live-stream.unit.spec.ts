import { openLiveStream, type StreamMessage, type StreamStatus } from './live-stream';

/** A fake server: each fetch gets the next scripted answer; a stream answer stays open until ended. */
function fakeServer() {
  const calls: Array<{ headers: Record<string, string>; signal: AbortSignal }> = [];
  const streams: Array<ReadableStreamDefaultController<Uint8Array>> = [];
  const script: Array<() => Response> = [];
  const encoder = new TextEncoder();
  const fetch = (async (_url: string, init: RequestInit) => {
    calls.push({ headers: init.headers as Record<string, string>, signal: init.signal! });
    const next = script.shift();
    if (!next) return new Promise<Response>(() => undefined); // never answers
    return next();
  }) as unknown as typeof globalThis.fetch;
  return {
    calls,
    fetch,
    /** The next connection answers 200 and stays open; send() writes to the newest one. */
    openStream() {
      script.push(() => {
        const body = new ReadableStream<Uint8Array>({ start: (c) => void streams.push(c) });
        return new Response(body, {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
      });
    },
    answer(status: number, body: unknown = { error: { code: 'X', message: `status ${status}` } }) {
      script.push(() => new Response(JSON.stringify(body), { status }));
    },
    fail() {
      script.push(() => {
        throw new TypeError('network down');
      });
    },
    send(text: string) {
      streams.at(-1)!.enqueue(encoder.encode(text));
    },
    drop() {
      streams.at(-1)!.close();
    },
  };
}

const message = (id: string, twinId: string, event = 'state-changed') =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify({ twinId, site: null, event: 'TelemetryReported', eventId: `e-${id}`, revision: 1, occurredAt: '2026-01-01T00:00:00Z', recordedAt: '2026-01-01T00:00:00Z', data: {} })}\n\n`;

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
};

function follow(server: ReturnType<typeof fakeServer>, extra: Record<string, unknown> = {}) {
  const received: StreamMessage[] = [];
  const statuses: StreamStatus[] = [];
  const delays: number[] = [];
  const stream = openLiveStream({
    url: '/v1/stream',
    headers: () => ({ 'x-api-key': 'k' }),
    fetch: server.fetch,
    onMessage: (m) => received.push(m),
    onStatus: (s) => statuses.push(s),
    random: () => 0.5,
    sleep: async (ms) => void delays.push(ms),
    ...extra,
  });
  return { stream, received, statuses, delays };
}

describe('the live stream client', () => {
  it('sends the credential, reads messages and says it is live', async () => {
    const server = fakeServer();
    server.openStream();
    const { stream, received, statuses } = follow(server);
    await until(() => statuses.includes('live'));
    server.send(message('a.1', 'press-01'));
    server.send(message('a.2', 'press-02').slice(0, 20)); // half a message: nothing yet
    await until(() => received.length === 1);
    server.send(message('a.2', 'press-02').slice(20));
    await until(() => received.length === 2);
    expect(received.map((m) => [m.id, m.type, m.data.twinId])).toEqual([
      ['a.1', 'state-changed', 'press-01'],
      ['a.2', 'state-changed', 'press-02'],
    ]);
    expect(server.calls[0]!.headers).toMatchObject({
      'x-api-key': 'k',
      accept: 'text/event-stream',
    });
    expect(server.calls[0]!.headers['last-event-id']).toBeUndefined();
    expect(statuses).toEqual(['connecting', 'live']);
    stream.close();
  });

  it('after a drop, reconnects from the last id it received, after a jittered wait', async () => {
    const server = fakeServer();
    server.openStream();
    server.openStream();
    const { stream, received, statuses, delays } = follow(server);
    await until(() => statuses.includes('live'));
    server.send(message('a.7', 'press-01'));
    await until(() => received.length === 1);
    server.drop();
    await until(() => server.calls.length === 2);
    expect(server.calls[1]!.headers['last-event-id']).toBe('a.7');
    expect(delays).toEqual([250]); // random 0.5 × 500 ms
    await until(() => statuses.at(-1) === 'live');
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    stream.close();
  });

  it('backs off exponentially, capped, while the server is unreachable', async () => {
    const server = fakeServer();
    for (let i = 0; i < 8; i++) server.fail();
    server.openStream();
    const { stream, statuses, delays } = follow(server, { baseDelayMs: 100, maxDelayMs: 3_000 });
    await until(() => statuses.at(-1) === 'live');
    expect(delays).toEqual([50, 100, 200, 400, 800, 1_500, 1_500, 1_500]);
    stream.close();
  });

  it('resumes from where the server says after it fell behind', async () => {
    const server = fakeServer();
    server.openStream();
    server.openStream();
    const { stream, statuses } = follow(server);
    await until(() => statuses.includes('live'));
    server.send(message('a.1', 'press-01'));
    server.send(`event: fell-behind\ndata: {"resumeFrom":"a.5"}\n\n`);
    server.drop();
    await until(() => server.calls.length === 2);
    expect(server.calls[1]!.headers['last-event-id']).toBe('a.5');
    stream.close();
  });

  it('starts afresh and asks the page to reload when its position expired (410)', async () => {
    const server = fakeServer();
    server.openStream();
    server.answer(410);
    server.openStream();
    let resyncs = 0;
    const { stream, received, statuses } = follow(server, { onResync: () => resyncs++ });
    await until(() => statuses.includes('live'));
    server.send(message('a.1', 'press-01'));
    await until(() => received.length === 1);
    server.drop();
    await until(() => server.calls.length === 3);
    expect(server.calls[1]!.headers['last-event-id']).toBe('a.1');
    expect(server.calls[2]!.headers['last-event-id']).toBeUndefined();
    expect(resyncs).toBe(1);
    stream.close();
  });

  it('stops and reports a 401 or a revoked credential, without retrying', async () => {
    const server = fakeServer();
    server.answer(401, { error: { code: 'UNAUTHENTICATED', message: 'no key' } });
    const messages: string[] = [];
    const { statuses } = follow(server, { onUnauthorized: (m: string) => messages.push(m) });
    await until(() => statuses.at(-1) === 'paused');
    expect(messages).toEqual(['no key']);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.calls).toHaveLength(1);

    const revoked = fakeServer();
    revoked.openStream();
    const second = follow(revoked, { onUnauthorized: (m: string) => messages.push(m) });
    await until(() => second.statuses.includes('live'));
    revoked.send('event: unauthorized\ndata: {}\n\n');
    await until(() => second.statuses.at(-1) === 'paused');
    expect(revoked.calls).toHaveLength(1);
    expect(messages).toHaveLength(2);
  });

  it('holds no connection while paused, and resumes from its last id', async () => {
    const server = fakeServer();
    server.openStream();
    server.openStream();
    const { stream, received, statuses } = follow(server);
    await until(() => statuses.includes('live'));
    server.send(message('a.3', 'press-01'));
    await until(() => received.length === 1);
    stream.pause();
    expect(server.calls[0]!.signal.aborted).toBe(true);
    expect(stream.status).toBe('paused');
    stream.resume();
    await until(() => server.calls.length === 2);
    expect(server.calls[1]!.headers['last-event-id']).toBe('a.3');
    await until(() => stream.status === 'live');
    stream.close();
    expect(server.calls[1]!.signal.aborted).toBe(true);
  });

  it('stops at the first 400 and says why: one call, not a flood (review 21 item 1)', async () => {
    let calls = 0;
    const refusing = (async () => {
      calls++;
      return new Response(
        JSON.stringify({ error: { code: 'QUERY_INVALID', message: 'twin: not a twin id' } }),
        { status: 400 },
      );
    }) as unknown as typeof globalThis.fetch;
    let resyncs = 0;
    const stopped: Array<[number, string]> = [];
    const { stream, statuses } = follow(
      { fetch: refusing } as unknown as ReturnType<typeof fakeServer>,
      { onResync: () => resyncs++, onStopped: (s: number, m: string) => stopped.push([s, m]) },
    );
    await until(() => statuses.at(-1) === 'stopped');
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(1);
    expect(resyncs).toBe(0);
    expect(stopped).toEqual([[400, 'twin: not a twin id']]);
    stream.close();
  });

  it('stops on 403 and 404 and says so plainly', async () => {
    for (const status of [403, 404]) {
      const server = fakeServer();
      server.answer(status, { error: { code: 'SITE_FORBIDDEN', message: 'site b: not yours' } });
      const stopped: Array<[number, string]> = [];
      const { statuses } = follow(server, {
        onStopped: (s: number, m: string) => stopped.push([s, m]),
      });
      await until(() => statuses.at(-1) === 'stopped');
      expect(stopped).toEqual([[status, 'site b: not yours']]);
      expect(server.calls).toHaveLength(1);
    }
  });

  it('a 410 for ever resyncs at once only the first time, then after a growing backoff', async () => {
    const server = fakeServer();
    for (let i = 0; i < 5; i++) server.answer(410);
    server.openStream();
    let resyncs = 0;
    const { stream, statuses, delays } = follow(server, { onResync: () => resyncs++ });
    await until(() => statuses.at(-1) === 'live');
    expect(resyncs).toBe(5);
    expect(delays).toEqual([250, 500, 1_000, 2_000]);
    stream.close();
  });

  it('a 400 STREAM_ID_INVALID for the id it sent drops the id and resyncs', async () => {
    const server = fakeServer();
    server.openStream();
    server.answer(400, { error: { code: 'STREAM_ID_INVALID', message: 'not an id of this log' } });
    server.openStream();
    let resyncs = 0;
    const { stream, received, statuses } = follow(server, { onResync: () => resyncs++ });
    await until(() => statuses.includes('live'));
    server.send(message('a.1', 'press-01'));
    await until(() => received.length === 1);
    server.drop();
    await until(() => server.calls.length === 3);
    expect(server.calls[2]!.headers['last-event-id']).toBeUndefined();
    expect(resyncs).toBe(1);
    expect(stream.status).toBe('live');
    stream.close();
  });

  it('keeps backing off when connections are accepted and closed at once (review 21 item 13)', async () => {
    const server = fakeServer();
    for (let i = 0; i < 4; i++) server.openStream();
    const { stream, statuses, delays } = follow(server, { now: () => 0 });
    for (let i = 1; i <= 3; i++) {
      await until(() => server.calls.length === i && statuses.at(-1) === 'live');
      server.drop();
    }
    await until(() => server.calls.length === 4);
    expect(delays).toEqual([250, 500, 1_000]);
    stream.close();
  });

  it('resets the backoff after a connection that delivered or stayed up', async () => {
    const server = fakeServer();
    for (let i = 0; i < 4; i++) server.openStream();
    let clock = 0;
    const { stream, statuses, delays } = follow(server, { now: () => clock });
    await until(() => server.calls.length === 1 && statuses.at(-1) === 'live');
    server.drop();
    await until(() => server.calls.length === 2 && statuses.at(-1) === 'live');
    server.send(message('a.1', 'press-01')); // delivered
    server.drop();
    await until(() => server.calls.length === 3 && statuses.at(-1) === 'live');
    clock = 10_000; // stayed up ten seconds
    server.drop();
    await until(() => server.calls.length === 4);
    expect(delays).toEqual([250, 250, 250]);
    stream.close();
  });
});
