import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { followStream, StreamRefused, type LiveStreamMessage } from './follow-stream';

// The stream client against a scripted SSE server: it resumes with Last-Event-ID after a
// dropped connection and after fell-behind, and stops on a refusal retrying cannot change.

const message = (n: number) =>
  `id: ${n}\nevent: state-changed\ndata: ${JSON.stringify({ twinId: 'mill-a', n })}\n\n`;

async function serve(
  handler: (lastId: string | undefined, res: ServerResponse, url: string) => void,
) {
  const server: Server = createServer((req, res) => {
    const header = req.headers['last-event-id'];
    handler(typeof header === 'string' ? header : undefined, res, req.url ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sse = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });

it('resumes after a dropped connection and after fell-behind, from the last id, with no repeat', async () => {
  const asked: Array<string | undefined> = [];
  const server = await serve((lastId, res) => {
    asked.push(lastId);
    sse(res);
    const from = lastId === undefined ? 1 : Number(lastId) + 1;
    if (asked.length === 1) {
      res.write(message(from) + message(from + 1));
      setTimeout(() => res.destroy(), 50); // dropped mid-stream
    } else if (asked.length === 2) {
      res.write(message(from));
      res.end(`id: ${from}\nevent: fell-behind\ndata: {"resumeFrom":"${from}"}\n\n`);
    } else res.write(message(from) + message(from + 1));
  });
  const got: LiveStreamMessage[] = [];
  const stop = new AbortController();
  const done = followStream(server.url, {
    query: { twin: 'mill-a' },
    onMessage: (m) => {
      got.push(m);
      if (got.length === 5) stop.abort();
    },
    signal: stop.signal,
    sleep: () => new Promise((r) => setTimeout(r, 10)),
  });
  await done;
  await server.close();
  expect(got.map((m) => (m.data as unknown as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
  expect(asked).toEqual([undefined, '2', '3']);
});

it('stops with StreamRefused on a 400, and retries a 503', async () => {
  let calls = 0;
  const server = await serve((_, res) => {
    calls += 1;
    res.writeHead(calls === 1 ? 503 : 400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          code: calls === 1 ? 'NOT_READY' : 'STREAM_ID_INVALID',
          message: 'no',
          details: {},
        },
      }),
    );
  });
  const refusal = await followStream(server.url, {
    query: {},
    onMessage: () => undefined,
    sleep: async () => undefined,
  }).catch((e: unknown) => e);
  await server.close();
  expect(refusal).toBeInstanceOf(StreamRefused);
  expect((refusal as Error).message).toContain('STREAM_ID_INVALID');
  expect(calls).toBe(2);
});
