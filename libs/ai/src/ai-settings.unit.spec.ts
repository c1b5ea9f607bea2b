import { inspect } from 'node:util';
import { aiEnvSchema, aiSettingsOf, hostOf } from './ai-settings';

const settings = (env: Record<string, string>) => aiSettingsOf(aiEnvSchema.parse(env));

describe('aiSettingsOf', () => {
  it('is off without a key, saying why, with the documented defaults', () => {
    const off = settings({});
    expect(off).toMatchObject({
      enabled: false,
      offReason: 'OPENAI_API_KEY is not set',
      model: 'gpt-4.1-mini',
      timeoutMs: 30_000,
      maxRetries: 2,
      maxConcurrent: 4,
      maxWaiting: 50,
      dailyTokens: 1_000_000,
      cacheEntries: 500,
      cacheTtlMs: 3_600_000,
    });
  });

  it('is off for a blank key and for TWINLOG_AI=off even with a key', () => {
    expect(settings({ OPENAI_API_KEY: '   ' }).enabled).toBe(false);
    expect(settings({ OPENAI_API_KEY: 'sk-x', TWINLOG_AI: 'off' })).toMatchObject({
      enabled: false,
      offReason: 'TWINLOG_AI is off',
    });
  });

  it('is on with a key, trimmed as the openai client trims it', () => {
    const on = settings({ OPENAI_API_KEY: ' sk-test-123 ', TWINLOG_AI_MODEL: 'llama3' });
    expect(on.enabled).toBe(true);
    expect(on.apiKey()).toBe('sk-test-123');
    expect(on.model).toBe('llama3');
  });

  it('never shows the key when the settings are serialised or inspected', () => {
    const on = settings({ OPENAI_API_KEY: 'sk-secret-4242' });
    expect(JSON.stringify(on)).not.toContain('sk-secret-4242');
    expect(inspect(on, { depth: 5 })).not.toContain('sk-secret-4242');
  });

  it.each([
    ['TWINLOG_AI_TIMEOUT_MS', '0'],
    ['TWINLOG_AI_TIMEOUT_MS', 'NaN'],
    ['TWINLOG_AI_MAX_RETRIES', '-1'],
    ['TWINLOG_AI_MAX_CONCURRENT', '0'],
    ['TWINLOG_AI_DAILY_TOKENS', '1e308'],
    ['TWINLOG_AI_CACHE_TTL_S', '1.5'],
    ['TWINLOG_AI', 'maybe'],
    ['OPENAI_BASE_URL', 'not a url'],
  ])('refuses %s=%s', (name, value) => {
    expect(aiEnvSchema.safeParse({ [name]: value }).success).toBe(false);
  });
});

describe('hostOf', () => {
  it('keeps only the host: never a path, a user or a password', () => {
    expect(hostOf('http://user:pw@127.0.0.1:8080/v1?token=x')).toBe('127.0.0.1:8080');
    expect(hostOf(undefined)).toBe('api.openai.com');
  });
});
