import { followStream, StreamRefused } from './follow-stream';

// The stream client's reconnect policy against a scripted server (fetch replaced).

function answer(status: number, headers: Record<string, string> = {}): Response {
  return new Response(status === 200 ? 'id: 1\nevent: state-changed\ndata: {}\n\n' : '{}', {
    status,
    headers: {
      'content-type': status === 200 ? 'text/event-stream' : 'application/json',
      ...headers,
    },
  });
}

async function follow(answers: Response[], random = () => 0) {
  const controller = new AbortController();
  const slept: number[] = [];
  let calls = 0;
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => {
    const next = answers[calls++];
    if (!next) {
      controller.abort();
      throw new Error('aborted');
    }
    return next;
  });
  try {
    await followStream('http://127.0.0.1:1', {
      query: {},
      onMessage: () => undefined,
      signal: controller.signal,
      sleep: async (ms) => void slept.push(ms),
      random,
    });
    return { slept, calls };
  } finally {
    fetchSpy.mockRestore();
  }
}

describe('followStream', () => {
  it('retries 429 and 503, no sooner than Retry-After', async () => {
    const { slept, calls } = await follow([
      answer(429, { 'retry-after': '7' }),
      answer(503, { 'retry-after': '11' }),
      answer(200),
    ]);
    expect(calls).toBe(4);
    expect(slept[0]).toBeGreaterThanOrEqual(7_000);
    expect(slept[1]).toBeGreaterThanOrEqual(11_000);
  });

  it('spreads reconnects with random jitter', async () => {
    const low = await follow([answer(500), answer(500)], () => 0);
    const high = await follow([answer(500), answer(500)], () => 0.99);
    expect(high.slept[0]).toBeGreaterThan(low.slept[0] as number);
  });

  it.each([400, 401, 403, 404])('ends for good on %i', async (status) => {
    await expect(follow([answer(status)])).rejects.toBeInstanceOf(StreamRefused);
  });
});
