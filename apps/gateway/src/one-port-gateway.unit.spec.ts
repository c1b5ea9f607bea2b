import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOnePortGateway } from './one-port-gateway';
import { SERVICES, type ServiceName } from './routes';

describe('the one-port gateway', () => {
  it('sends a request again when its kept-alive upstream connection was closed under it', async () => {
    // An upstream that drops every connection at its second request, unanswered: what a server
    // closing an idle kept-alive connection, as the gateway reuses it, looks like.
    let served = 0;
    const upstream = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { requests?: number };
      socket.requests = (socket.requests ?? 0) + 1;
      if (socket.requests > 1) return void socket.destroy();
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        served += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ body }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gateway = await startOnePortGateway(
      Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<ServiceName, string>,
      '127.0.0.1',
      0,
    );
    try {
      for (const n of [1, 2, 3]) {
        const answer = await fetch(`${gateway.url}/v1/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ n }]),
        });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({ body: JSON.stringify([{ n }]) });
      }
      expect(served).toBe(3);
      // A command is not sent twice on a guess: the client hears 502 and decides.
      const command = await fetch(`${gateway.url}/v1/twins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ twinId: 'm-1', twinType: 'cnc-milling-machine' }),
      });
      expect(command.status).toBe(502);
      expect(served).toBe(3);
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
