import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAllPages } from './commands/api-client';

// The CLI follows a list's `next` (docs/api-conventions.md) with the query it started with.
describe('getAllPages', () => {
  it('follows next as cursor until it is null, keeping the filters, or stops at max', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
      const page = cursor === null ? 0 : Number(cursor.slice(1));
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          twins: [`t${page * 2}`, `t${page * 2 + 1}`],
          next: page < 2 ? `p${page + 1}` : null,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await getAllPages(base, '/v1/twins?site=a', 'twins')).toEqual([
        't0',
        't1',
        't2',
        't3',
        't4',
        't5',
      ]);
      expect(asked).toEqual([
        '/v1/twins?site=a',
        '/v1/twins?site=a&cursor=p1',
        '/v1/twins?site=a&cursor=p2',
      ]);
      expect(await getAllPages(base, '/v1/twins', 'twins', 3)).toEqual(['t0', 't1', 't2']);
    } finally {
      server.close();
    }
  });
});
