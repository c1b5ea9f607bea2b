import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientGoneSignal } from './client-gone';

describe('clientGoneSignal', () => {
  let server: Server;
  let signals: AbortSignal[];
  let answerNow: boolean;

  beforeEach(async () => {
    signals = [];
    server = createServer((_req, res) => {
      signals.push(clientGoneSignal(res));
      if (answerNow) res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  it('aborts when the client closes its connection before the answer', async () => {
    answerNow = false;
    const req = request(url());
    req.on('error', () => undefined);
    req.end();
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(signals[0]!.aborted).toBe(false);
    req.destroy();
    const signal = signals[0]!;
    await new Promise((resolve) =>
      signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve),
    );
    expect(signal.aborted).toBe(true);
  });

  it('does not abort once the answer was sent, even when the connection then closes', async () => {
    answerNow = true;
    const body = await fetch(url(), { headers: { connection: 'close' } }).then((r) => r.text());
    expect(body).toBe('ok');
    await new Promise((r) => setTimeout(r, 50));
    expect(signals[0]!.aborted).toBe(false);
  });
});
