import { ConfigError } from './env-parsing';
import { readAiSettings } from './ai.config';
import { readServiceConfig } from './service.config';

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
});
