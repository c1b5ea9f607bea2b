import { ConfigError } from './env-parsing';
import { readAiSettings } from './ai.config';
import { readServiceConfig } from './service.config';
import { DEFAULT_HTTP_TIMEOUTS } from '../http/http-timeouts';

describe('readAiSettings', () => {
  it('stops start-up naming each bad variable', () => {
    let error: unknown;
    try {
      readAiSettings({ TWINLOG_AI_TIMEOUT_MS: 'soon', TWINLOG_AI_MAX_CONCURRENT: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('TWINLOG_AI_TIMEOUT_MS="soon"');
    expect(problems).toContain('TWINLOG_AI_MAX_CONCURRENT="0"');
  });

  it('reads an empty variable as unset: off, not an empty key', () => {
    expect(readAiSettings({ OPENAI_API_KEY: '' }).enabled).toBe(false);
  });

  it('is part of every service configuration, and its key never serialises with it', () => {
    const config = readServiceConfig({ OPENAI_API_KEY: 'sk-in-config-77' });
    expect(config.ai.enabled).toBe(true);
    expect(JSON.stringify(config)).not.toContain('sk-in-config-77');
  });

  it('has a default ask deadline below the default HTTP idle timeout (the caller hears the 502)', () => {
    const settings = readServiceConfig({ OPENAI_API_KEY: 'sk-x' });
    expect(settings.ai.askDeadlineMs).toBe(45_000);
    expect(settings.ai.askDeadlineMs).toBeLessThan(DEFAULT_HTTP_TIMEOUTS.idleTimeoutMs);
    expect(settings.ai.askDeadlineMs).toBeLessThan(settings.http.idleTimeoutMs);
  });

  it('stops start-up when AI is on and the ask deadline is not below TWINLOG_HTTP_IDLE_TIMEOUT_MS', () => {
    const on = { OPENAI_API_KEY: 'sk-x' };
    expect(() =>
      readServiceConfig({
        ...on,
        TWINLOG_HTTP_IDLE_TIMEOUT_MS: '8000',
        TWINLOG_AI_ASK_DEADLINE_MS: '8000',
      }),
    ).toThrow('TWINLOG_AI_ASK_DEADLINE_MS=8000: must be below TWINLOG_HTTP_IDLE_TIMEOUT_MS=8000');
    expect(() => readServiceConfig({ ...on, TWINLOG_HTTP_IDLE_TIMEOUT_MS: '30000' })).toThrow(
      /TWINLOG_AI_ASK_DEADLINE_MS=45000/,
    );
    expect(
      readServiceConfig({
        ...on,
        TWINLOG_HTTP_IDLE_TIMEOUT_MS: '8000',
        TWINLOG_AI_ASK_DEADLINE_MS: '4000',
      }).ai.askDeadlineMs,
    ).toBe(4000);
  });

  it('lets a service with AI off keep a short idle timeout: it has no ask to cut short', () => {
    expect(readServiceConfig({ TWINLOG_HTTP_IDLE_TIMEOUT_MS: '3000' }).http.idleTimeoutMs).toBe(3000);
    expect(() =>
      readServiceConfig({ OPENAI_API_KEY: 'sk-x', TWINLOG_AI: 'off', TWINLOG_HTTP_IDLE_TIMEOUT_MS: '3000' }),
    ).not.toThrow();
  });
});
