import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, waitUntilReady } from './server-process';

describe('ServerProcess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinlog-proc-'));

  it('fails fast, with the log tail, when the server dies before it is ready', async () => {
    const server = ServerProcess.start({
      name: 'doomed',
      command: 'bash',
      args: ['-c', 'echo "bad config on line 3"; exit 3'],
      logFile: join(dir, 'doomed.log'),
    });
    const started = Date.now();
    await expect(waitUntilReady(server, async () => false, 30_000)).rejects.toThrow(
      /doomed exited \(code 3\) before it was ready[\s\S]*bad config on line 3/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a running server with SIGTERM', async () => {
    const server = ServerProcess.start({
      name: 'sleeper',
      command: 'sleep',
      args: ['60'],
      logFile: join(dir, 'sleep.log'),
    });
    await waitUntilReady(server, async () => true, 1_000);
    await server.stop(5_000);
    expect(server.exited).toBe('signal SIGTERM');
  });

  it('reports a probe that never succeeds as not ready, naming the last error', async () => {
    const server = ServerProcess.start({
      name: 'mute',
      command: 'sleep',
      args: ['60'],
      logFile: join(dir, 'mute.log'),
    });
    try {
      await expect(
        waitUntilReady(server, async () => Promise.reject(new Error('ECONNREFUSED')), 600),
      ).rejects.toThrow(/mute was not ready within 0.6s \(last probe error: ECONNREFUSED\)/);
    } finally {
      await server.stop();
    }
  });
});
