import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postNotification } from './http-sender';

describe('posting a notification', () => {
  it.each(['ftp://h.example/x', 'file:///etc/passwd', 'not a url', 'http://'])(
    'refuses %j for good, without trying or echoing it',
    async (url) => {
      const outcome = await postNotification(
        url,
        '{}',
        {},
        { timeoutMs: 1000, now: () => new Date() },
      );
      expect(outcome).toEqual({
        ok: false,
        status: null,
        permanent: true,
        error: 'the channel URL is not an http or https URL',
      });
    },
  );
});

describe("a receiver's answer (review 20 #12)", () => {
  it.each([404, 500, 401])(
    'is told by its status %i alone: nothing of its body reaches the error (a channel is no way to read an internal service)',
    async (status) => {
      const server = createServer((_req, res) =>
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end('internal: db=10.0.0.7 token=abc'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
        const outcome = await postNotification(
          url,
          '{}',
          {},
          { timeoutMs: 5000, now: () => new Date() },
        );
        expect(outcome).toMatchObject({ ok: false, status, error: `HTTP ${status}` });
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
