import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv, type ConfigError } from './env-parsing';
import { readServiceConfig } from './service.config';

const distributed = {
  TWINLOG_MODE: 'distributed',
  KAFKA_BROKERS: 'kafka-0:9092',
  INFLUX_URL: 'http://influxdb:8086',
  INFLUX_TOKEN: 't',
  INFLUX_ORG: 'plant',
};

describe('the shared service settings for the Kafka log', () => {
  it('default to JSON telemetry and a replay thread from 50,000 events', () => {
    const config = readServiceConfig(distributed);
    expect(config.mode === 'distributed' && config.kafka).toMatchObject({
      telemetryEncoding: 'json',
      replayWorkerMinEvents: 50_000,
    });
  });

  it('take compact telemetry and another replay threshold from the environment', () => {
    const config = readServiceConfig({
      ...distributed,
      TWINLOG_TELEMETRY_ENCODING: 'compact',
      TWINLOG_REPLAY_THREAD_MIN_EVENTS: '0',
    });
    expect(config.mode === 'distributed' && config.kafka).toMatchObject({
      telemetryEncoding: 'compact',
      replayWorkerMinEvents: 0,
    });
  });

  it('name a wrong encoding in the error', () => {
    expect(() => readServiceConfig({ ...distributed, TWINLOG_TELEMETRY_ENCODING: 'avro' })).toThrow(
      /TWINLOG_TELEMETRY_ENCODING/,
    );
  });
});

describe('the embedded durability setting', () => {
  it('is normal unless TWINLOG_EMBEDDED_SYNC says full, and refuses anything else by name', () => {
    expect(readServiceConfig({})).toMatchObject({ mode: 'embedded', sync: 'normal' });
    expect(readServiceConfig({ TWINLOG_EMBEDDED_SYNC: 'full' })).toMatchObject({ sync: 'full' });
    expect(() => readServiceConfig({ TWINLOG_EMBEDDED_SYNC: 'off' })).toThrow(
      /TWINLOG_EMBEDDED_SYNC/,
    );
  });
});

describe('the names the HTTP servers answer to (TWINLOG_ALLOWED_HOSTS)', () => {
  it('are none beyond the defaults unless set; names are normalised, ports dropped', () => {
    expect(readServiceConfig({}).allowedHosts).toEqual([]);
    expect(
      readServiceConfig({ TWINLOG_ALLOWED_HOSTS: ' Gateway:8080, ,::1,twinlog.example.' })
        .allowedHosts,
    ).toEqual(['gateway', '[::1]', 'twinlog.example']);
    expect(readServiceConfig({ TWINLOG_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
  });

  it.each(['http://twinlog.example', 'twinlog.example/api', 'a b', 'host:port'])(
    'refuse %j by name, saying what a host name is',
    (value) => {
      expect(() => readServiceConfig({ TWINLOG_ALLOWED_HOSTS: value })).toThrow(
        /TWINLOG_ALLOWED_HOSTS=.*is not a host name: give names such as/,
      );
    },
  );
});

describe('the Kafka and InfluxDB secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinlog-secrets-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const kafkaOf = (env: Record<string, string>) => {
    const config = readServiceConfig({ ...distributed, ...env });
    if (config.mode !== 'distributed') throw new Error('not distributed');
    return config;
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      readServiceConfig({ ...distributed, ...env });
    } catch (error) {
      return (error as ConfigError).message;
    }
    throw new Error('no problem reported');
  };

  it('connect without SASL or TLS unless told', () => {
    expect(kafkaOf({}).kafka.security).toEqual({});
  });

  it('take SCRAM credentials, the password from the environment or a mounted file', () => {
    const scram = { TWINLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512', TWINLOG_KAFKA_USERNAME: 'ops' };
    expect(kafkaOf({ ...scram, TWINLOG_KAFKA_PASSWORD: 's3cret' }).kafka.security).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 's3cret' },
    });
    const path = file('kafka-password', 'from-a-file\n');
    expect(kafkaOf({ ...scram, TWINLOG_KAFKA_PASSWORD_FILE: path }).kafka.security.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'ops',
      password: 'from-a-file',
    });
  });

  it('read the InfluxDB token from INFLUX_TOKEN_FILE', () => {
    const { INFLUX_TOKEN: _, ...withoutToken } = distributed;
    const path = file('influx-token', 'tok-from-file\n');
    const config = readServiceConfig({ ...withoutToken, INFLUX_TOKEN_FILE: path });
    expect(config.mode === 'distributed' && config.influx.token).toBe('tok-from-file');
    expect(() => readServiceConfig({ ...distributed, INFLUX_TOKEN_FILE: path })).toThrow(
      /INFLUX_TOKEN and INFLUX_TOKEN_FILE are both set/,
    );
  });

  it('take TLS with a CA and a client certificate from PEM files', () => {
    const tls = kafkaOf({
      TWINLOG_KAFKA_TLS: 'on',
      TWINLOG_KAFKA_TLS_CA_FILE: file('ca.pem', 'CA PEM'),
      TWINLOG_KAFKA_TLS_CERT_FILE: file('cert.pem', 'CERT PEM'),
      TWINLOG_KAFKA_TLS_KEY_FILE: file('key.pem', 'KEY PEM'),
    }).kafka.security.tls;
    expect(tls).toEqual({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' });
    expect(kafkaOf({ TWINLOG_KAFKA_TLS: 'on' }).kafka.security).toEqual({ tls: {} });
  });

  it('refuse half a setting by name, never echoing a secret', () => {
    const secret = 'do-not-print-me';
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TWINLOG_KAFKA_PASSWORD: secret }, /TWINLOG_KAFKA_SASL_MECHANISM is not/],
      [
        { TWINLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512', TWINLOG_KAFKA_PASSWORD: secret },
        /needs TWINLOG_KAFKA_USERNAME/,
      ],
      [
        { TWINLOG_KAFKA_SASL_MECHANISM: 'gssapi', TWINLOG_KAFKA_PASSWORD: secret },
        /one of none, scram-sha-512/,
      ],
      [
        {
          TWINLOG_KAFKA_SASL_MECHANISM: 'plain',
          TWINLOG_KAFKA_USERNAME: 'u',
          TWINLOG_KAFKA_PASSWORD: secret,
        },
        /in the clear/,
      ],
      [{ TWINLOG_KAFKA_PASSWORD: secret, TWINLOG_KAFKA_PASSWORD_FILE: '/nowhere' }, /both set/],
      [{ TWINLOG_KAFKA_TLS_CA_FILE: '/etc/ca.pem' }, /TLS is not on/],
      [{ TWINLOG_KAFKA_TLS: 'yes' }, /TWINLOG_KAFKA_TLS="yes": on or off/],
      [{ TWINLOG_KAFKA_TLS: 'on', TWINLOG_KAFKA_TLS_CERT_FILE: file('c', 'x') }, /go together/],
      [{ INFLUX_TOKEN: secret, INFLUX_URL: 'not a url' }, /INFLUX_URL/],
    ];
    for (const [env, expected] of cases) {
      const message = problemsOf(env);
      expect([env, message]).toEqual([env, expect.stringMatching(expected)]);
      expect(message).not.toContain(secret);
    }
    const missing = problemsOf({ TWINLOG_KAFKA_PASSWORD_FILE: join(dir, 'absent') });
    expect(missing).toMatch(
      /TWINLOG_KAFKA_PASSWORD_FILE=".*absent": cannot read the file \(ENOENT\)/,
    );
    expect(problemsOf({ TWINLOG_KAFKA_PASSWORD_FILE: file('empty', '\n') })).toMatch(/is empty/);
  });

  it('hide a bad secret’s value and a URL’s password in the message', () => {
    const schema = z.object({ SOME_TOKEN: z.string().min(40), SOME_URL: z.string().url() });
    const read = () =>
      parseEnv(schema, { SOME_TOKEN: 'short-secret', SOME_URL: 'x://u:pw-secret@' });
    expect(read).toThrow(/SOME_TOKEN=<hidden>/);
    expect(read).not.toThrow(/short-secret|pw-secret/);
  });
});
