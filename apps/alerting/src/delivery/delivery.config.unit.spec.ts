import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@twinlog/service-kit';
import { readDeliverySettings } from './delivery.config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readDeliverySettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('delivery settings', () => {
  it('has defaults: 8 at once, 10 s an attempt, no email, no configured key', () => {
    expect(readDeliverySettings({})).toEqual({
      concurrency: 8,
      timeoutMs: 10_000,
      smtpUrl: undefined,
      smtpFrom: 'Twinlog <twinlog@localhost>',
      secretKey: undefined,
    });
  });

  it('reads the key (hex or base64) and the SMTP URL, also from files', () => {
    const key = randomBytes(32);
    const dir = mkdtempSync(join(tmpdir(), 'delivery-config-'));
    writeFileSync(join(dir, 'smtp'), 'smtps://u:p%40ss@mail.example:465\n');
    const settings = readDeliverySettings({
      ALERTING_SECRET_KEY: key.toString('base64'),
      ALERTING_SMTP_URL_FILE: join(dir, 'smtp'),
      ALERTING_DELIVERY_CONCURRENCY: '2',
    });
    expect(settings.secretKey).toEqual(key);
    expect(settings.smtpUrl).toBe('smtps://u:p%40ss@mail.example:465');
    expect(settings.concurrency).toBe(2);
  });

  it('names a bad variable and never shows a secret value', () => {
    const problems = problemsOf({
      ALERTING_SECRET_KEY: 'hunter2-not-a-key',
      ALERTING_SMTP_URL: 'http://user:hunter3@mail.example',
      ALERTING_DELIVERY_CONCURRENCY: '0',
    });
    expect(problems).toEqual([expect.stringMatching(/^ALERTING_DELIVERY_CONCURRENCY=/)]);
    const secrets = problemsOf({
      ALERTING_SECRET_KEY: 'hunter2-not-a-key',
      ALERTING_SMTP_URL: 'http://user:hunter3@mail.example',
    });
    expect(secrets).toEqual([
      'ALERTING_SMTP_URL: the scheme must be smtp or smtps',
      expect.stringMatching(/^ALERTING_SECRET_KEY: not a 32-byte key/),
    ]);
    expect(secrets.join('\n')).not.toMatch(/hunter/);
  });
});
