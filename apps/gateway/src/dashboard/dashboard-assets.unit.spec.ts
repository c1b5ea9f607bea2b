import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dashboardFiles } from './dashboard-files';

function get(port: number, path: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'gzip' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the dashboard assets in memory', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const small = 'export const a = 1;'.repeat(20); // 380 bytes
  const large = 'export const b = 2;'.repeat(100); // 1,900 bytes

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'chunk-SMALL.js'), small);
    writeFileSync(join(dir, 'assets', 'chunk-OTHER.js'), small);
    writeFileSync(join(dir, 'assets', 'chunk-LARGE.js'), large);
    const files = dashboardFiles(dir, { heldMaxBytes: 1000, heldTotalBytes: 800 });
    server = createServer((req, res) => {
      if (!files.answer(req, res)) res.writeHead(599).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a file above the held size as it is, not gzipped at each request', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await get(port, '/assets/chunk-LARGE.js');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers['content-length']).toBe(String(large.length));
      expect(answer.body.toString()).toBe(large);
    }
  });

  it('reads and gzips a small file once, and drops the oldest held file beyond the total', async () => {
    const first = await get(port, '/assets/chunk-SMALL.js');
    expect(gunzipSync(first.body).toString()).toBe(small);
    unlinkSync(join(dir, 'assets', 'chunk-SMALL.js'));
    const again = await get(port, '/assets/chunk-SMALL.js'); // held: the file is not read again
    expect(gunzipSync(again.body).toString()).toBe(small);
    // Holding a second file goes past 800 bytes (raw and gzipped): the first is let go.
    expect((await get(port, '/assets/chunk-OTHER.js')).status).toBe(200);
    expect((await get(port, '/assets/chunk-SMALL.js')).status).toBe(404);
  });
});
