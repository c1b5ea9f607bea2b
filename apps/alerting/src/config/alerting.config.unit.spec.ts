import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@twinlog/service-kit';
import { readAlertingConfig } from './alerting.config';

const KEY = 'a1'.repeat(32);

describe('alerting configuration', () => {
  it('has a default for every setting', () => {
    expect(readAlertingConfig({})).toMatchObject({
      service: { mode: 'embedded' },
      http: { port: 8086 },
      groups: { causes: 'alerting-causes', silence: 'alerting-silence' },
      tickMs: 1000,
      settings: {
        groupUpdateSeconds: 60,
        flapHoldSeconds: 600,
        rulP10Hours: 72,
        healthIndexBelow: 30,
        silentAfterSeconds: 300,
        retryBaseSeconds: 2,
        retryMaxSeconds: 300,
        retryForSeconds: 86_400,
      },
      delivery: { concurrency: 8, timeoutMs: 10_000, secretKey: undefined, smtpUrl: undefined },
      defaultRule: false,
    });
  });

  it('takes the key and the SMTP URL from the environment or from a mounted file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerting-config-'));
    writeFileSync(join(dir, 'key'), `${KEY}\n`);
    const config = readAlertingConfig({
      ALERTING_SECRET_KEY_FILE: join(dir, 'key'),
      ALERTING_SMTP_URL: 'smtp://u:p@127.0.0.1:2525',
    });
    expect(config.delivery.secretKey).toEqual(Buffer.from(KEY, 'hex'));
    expect(config.delivery.smtpUrl).toBe('smtp://u:p@127.0.0.1:2525');
    const base64 = Buffer.alloc(32, 7).toString('base64');
    expect(readAlertingConfig({ ALERTING_SECRET_KEY: base64 }).delivery.secretKey).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  it('names every bad setting at once and never echoes a secret', () => {
    const read = () =>
      readAlertingConfig({
        TWINLOG_MODE: 'distributed',
        ALERTING_HTTP_PORT: 'eighty',
        ALERTING_SECRET_KEY: 'too-short-secret',
        ALERTING_SMTP_URL: 'http://user:hunter2@mail',
        ALERTING_RETRY_BASE_SECONDS: '10',
        ALERTING_RETRY_MAX_SECONDS: '5',
      });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/KAFKA_BROKERS is required[\s\S]*ALERTING_HTTP_PORT="eighty"/);
    let message = '';
    try {
      read();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toMatch(/too-short-secret|hunter2/);
    const good = {
      KAFKA_BROKERS: 'k:9092',
      INFLUX_URL: 'http://i:8086',
      INFLUX_TOKEN: 't',
      INFLUX_ORG: 'o',
    };
    const problems = () =>
      readAlertingConfig({
        ...good,
        TWINLOG_MODE: 'distributed',
        ALERTING_SECRET_KEY: 'too-short-secret',
        ALERTING_SMTP_URL: 'http://user:hunter2@mail',
        ALERTING_RETRY_BASE_SECONDS: '10',
        ALERTING_RETRY_MAX_SECONDS: '5',
      });
    expect(() =>
      readAlertingConfig({ ALERTING_RETRY_BASE_SECONDS: '10', ALERTING_RETRY_MAX_SECONDS: '5' }),
    ).toThrow(/ALERTING_RETRY_MAX_SECONDS=5: must be at least ALERTING_RETRY_BASE_SECONDS/);
    expect(problems).toThrow(
      /ALERTING_SMTP_URL: the scheme[\s\S]*ALERTING_SECRET_KEY: not a 32-byte key/,
    );
  });
});
