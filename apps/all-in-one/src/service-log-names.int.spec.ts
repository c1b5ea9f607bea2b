import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StructuredLogger } from '@twinlog/service-kit';
import { startAllInOne, type RunningTwinlog } from './all-in-one';
import { readAllInOneConfig } from './config/all-in-one.config';

// Six Nest apps share one process, and Nest's Logger is one global: each service's lines must
// still name that service, not the last one started (alerting).
jest.setTimeout(300_000);

const lines: Array<{ service: string; msg: string }> = [];
let running: RunningTwinlog;

beforeAll(async () => {
  const env = {
    TWINLOG_MODE: 'embedded',
    // Other tests cover authentication; this one runs on loopback without it.
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-logs-')),
    TWINLOG_SIMULATOR: 'off',
    TWINLOG_HTTP_PORT: '0',
  };
  const loggerFor = (service: string) =>
    new StructuredLogger(service, 'json', (line) => lines.push(JSON.parse(line)));
  running = await startAllInOne(readAllInOneConfig(env), env, loggerFor, () => undefined);
});
afterAll(async () => running?.close());

it('names the service each line comes from, after all six have started', async () => {
  const replay = await fetch(`${running.url}/v1/dead-letters/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(replay.status).toBe(200);
  const line = lines.find((l) => l.msg.startsWith('dead letters replayed'));
  expect(line?.service).toBe('ingestion');
});

it("serves the alerting API through the gateway, with the embedded demo's default rule", async () => {
  const rules = await fetch(`${running.url}/v1/alert-rules`);
  expect(rules.status).toBe(200);
  const body = (await rules.json()) as { rules: Array<{ ruleId: string; channels: string[] }> };
  expect(body.rules).toEqual([expect.objectContaining({ ruleId: 'default', channels: ['*'] })]);
  expect(lines.some((l) => l.service === 'alerting' && l.msg.startsWith('default rule set'))).toBe(
    true,
  );
});
