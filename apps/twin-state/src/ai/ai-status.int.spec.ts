import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOW_TO_ENABLE_AI } from '@twinlog/ai';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import {
  freshAiStatus,
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from '@twinlog/testing';
import { startTwinStateHarness, type TwinStateHarness } from '../testing/twin-state-harness';

// GET /v1/ai (issue 22): the dashboard and the CLI offer the AI features only when it says on.
describe('GET /v1/ai with AI off (no OPENAI_API_KEY)', () => {
  let h: TwinStateHarness;
  beforeAll(async () => {
    h = await startTwinStateHarness('embedded');
  });
  afterAll(async () => h?.close());

  it('says plainly that AI is off, why, and how to turn it on', async () => {
    const { status, json } = await h.call('GET', '/v1/ai');
    expect(status).toBe(200);
    expect(json).toEqual({
      enabled: false,
      reason: 'OPENAI_API_KEY is not set',
      howToEnable: HOW_TO_ENABLE_AI,
    });
  });
});

describe('GET /v1/ai with AI on and authentication on', () => {
  const KEY = 'sk-twin-state-status-5e1d';
  let h: TwinStateHarness;
  let server: OpenAiCompatibleServer;
  let admin: Record<string, string>;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    h = await startTwinStateHarness('embedded', {
      TWINLOG_AUTH: 'on',
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: server.baseUrl,
      TWINLOG_AI_MODEL: 'local-llama',
      TWINLOG_AI_DAILY_TOKENS: '5000',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
    await ensureBootstrapKey(h.infra.log.accessKeys, file, true);
    admin = { authorization: `Bearer ${readFileSync(file, 'utf8').trim()}` };
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
  });

  it('needs a credential; a viewer sees the model, the host and the budget, never the key', async () => {
    expect((await h.call('GET', '/v1/ai')).status).toBe(401);
    const key = await h.call(
      'POST',
      '/v1/admin/keys',
      { name: 'v', role: 'viewer', sites: ['plant-a'] },
      admin,
    );
    expect(key.status).toBe(201);
    const answer = await h.call('GET', '/v1/ai', undefined, {
      authorization: `Bearer ${key.json.key}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(freshAiStatus(server, 'local-llama', 5000));
    expect(JSON.stringify(answer.json)).not.toContain(KEY);
    // The service's own status route (the host's, for every AI service) answers the same, to the
    // same roles.
    expect((await h.call('GET', '/v1/ai/twin-state')).status).toBe(401);
    const own = await h.call('GET', '/v1/ai/twin-state', undefined, {
      authorization: `Bearer ${key.json.key}`,
    });
    expect(own).toMatchObject({ status: 200, json: answer.json });
    // Reading the status asks the model nothing.
    expect(server.requests).toHaveLength(0);
  });
});
