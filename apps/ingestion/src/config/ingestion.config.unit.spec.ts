import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@twinlog/service-kit';
import { mapRecord, parseFieldMapping } from '../kafka-input/field-mapping';
import { parseTopicPattern } from '../mqtt/topic-pattern';
import { readIngestionConfig } from './ingestion.config';

describe('ingestion configuration', () => {
  it('defaults to the embedded mode with no MQTT or Kafka input', () => {
    const config = readIngestionConfig({});
    expect(config.service.mode).toBe('embedded');
    expect(config.http).toMatchObject({ port: 8081, maxBatch: 10_000 });
    expect(config.mqtt).toBeUndefined();
    expect(config.kafkaInput).toBeUndefined();
  });

  it('names every bad variable and value at start-up, all at once', () => {
    const read = () =>
      readIngestionConfig({ INGESTION_MAX_BATCH: 'lots', TWINLOG_MODE: 'distributed' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/INGESTION_MAX_BATCH="lots"/);
    expect(read).toThrow(/KAFKA_BROKERS is required/);
    expect(() => readIngestionConfig({ TWINLOG_MODE: 'cloud' })).toThrow(/TWINLOG_MODE="cloud"/);
    expect(() => readIngestionConfig({ INGESTION_KAFKA_INPUT_TOPICS: 'raw' })).toThrow(
      /INGESTION_KAFKA_INPUT_BROKERS/,
    );
  });

  it('refuses MQTT settings the broker would refuse, at start rather than on every connect', () => {
    const mqtt = (env: Record<string, string>) => () =>
      readIngestionConfig({ MQTT_URL: 'mqtt://127.0.0.1:1883', ...env });
    // MQTT's Session Expiry Interval is four bytes: more cannot even be encoded (a crash on connect).
    expect(mqtt({ INGESTION_MQTT_SESSION_EXPIRY_S: '5000000000' })).toThrow(
      /INGESTION_MQTT_SESSION_EXPIRY_S="5000000000"/,
    );
    expect(mqtt({ INGESTION_MQTT_SESSION_EXPIRY_S: '4294967295' })()).toBeDefined();
    // A share name is one topic level without wildcards (MQTT 5 §4.8.2).
    for (const group of ['a/b', 'line+1', 'all#'])
      expect(mqtt({ INGESTION_MQTT_SHARE_GROUP: group })).toThrow(/INGESTION_MQTT_SHARE_GROUP/);
  });
});

describe('MQTT topic patterns', () => {
  const pattern = parseTopicPattern('plant/{site}/{twinId}/telemetry');

  it('subscribes with wildcards and reads the named levels of a topic', () => {
    expect(pattern.filter).toBe('plant/+/+/telemetry');
    expect(pattern.match('plant/north/cnc-7/telemetry')).toEqual({
      site: 'north',
      twinId: 'cnc-7',
    });
    expect(pattern.match('plant/north/cnc-7/status')).toBeUndefined();
    expect(pattern.match('plant/north/telemetry')).toBeUndefined();
  });

  it('refuses patterns without a twin id or with raw wildcards', () => {
    expect(() => parseTopicPattern('plant/{site}/telemetry')).toThrow(/\{twinId\}/);
    expect(() => parseTopicPattern('plant/+/{twinId}')).toThrow(/wildcards/);
  });
});

describe('enterprise topic field mapping', () => {
  it('reads readings from nested source fields and keeps unmapped fields by name', () => {
    const mapping = parseFieldMapping('{"twinId":"asset.id","value":"v","readingId":"seq"}');
    expect(
      mapRecord(
        { asset: { id: 'cnc-1' }, property: 'temperature', v: 41, time: 5, seq: 17 },
        mapping,
      ),
    ).toEqual({ twinId: 'cnc-1', property: 'temperature', value: 41, time: 5, readingId: '17' });
    expect(mapRecord('not an object', mapping)).toMatchObject({
      twinId: undefined,
      value: undefined,
    });
  });

  it('refuses mappings that are not JSON, name unknown fields, or give empty paths', () => {
    expect(() => parseFieldMapping('{twinId')).toThrow(/not valid JSON/);
    expect(() => parseFieldMapping('{"asset":"x"}')).toThrow(/unknown field\(s\) asset/);
    expect(() => parseFieldMapping('{"value":""}')).toThrow(/non-empty/);
  });
});

describe('the MQTT login', () => {
  const base = { MQTT_URL: 'mqtt://broker:1883' };

  it('goes into the session’s URL, the password from the environment or a mounted file', () => {
    const direct = readIngestionConfig({
      ...base,
      INGESTION_MQTT_USERNAME: 'twinlog-ingestion',
      INGESTION_MQTT_PASSWORD: 'p@ss:w/rd',
    });
    expect(direct.mqtt?.url).toBe('mqtt://twinlog-ingestion:p%40ss%3Aw%2Frd@broker:1883');
    const file = join(mkdtempSync(join(tmpdir(), 'mqtt-pw-')), 'password');
    writeFileSync(file, 'from-file\n');
    const mounted = readIngestionConfig({
      ...base,
      INGESTION_MQTT_USERNAME: 'twinlog-ingestion',
      INGESTION_MQTT_PASSWORD_FILE: file,
    });
    expect(mounted.mqtt?.url).toBe('mqtt://twinlog-ingestion:from-file@broker:1883');
    expect(readIngestionConfig(base).mqtt?.url).toBe('mqtt://broker:1883');
  });

  it('is refused when given half or twice, without echoing the password', () => {
    const secret = 'never-echo-this';
    const half = () => readIngestionConfig({ ...base, INGESTION_MQTT_PASSWORD: secret });
    expect(half).toThrow(/INGESTION_MQTT_USERNAME is not/);
    expect(half).not.toThrow(new RegExp(secret));
    const twice = () =>
      readIngestionConfig({
        MQTT_URL: `mqtt://u:${secret}@broker:1883`,
        INGESTION_MQTT_USERNAME: 'u',
      });
    expect(twice).toThrow(/one way/);
    expect(twice).not.toThrow(new RegExp(secret));
  });
});

describe('the MQTT TLS files', () => {
  it('are read for an mqtts:// broker, and refused for a plain one or half given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-tls-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'CA PEM');
    const tls = readIngestionConfig({
      MQTT_URL: 'mqtts://broker:8883',
      INGESTION_MQTT_TLS_CA_FILE: ca,
    }).mqtt?.tls;
    expect(tls).toEqual({ ca: 'CA PEM' });
    expect(readIngestionConfig({ MQTT_URL: 'mqtts://broker:8883' }).mqtt?.tls).toBeUndefined();
    expect(() =>
      readIngestionConfig({ MQTT_URL: 'mqtt://broker:1883', INGESTION_MQTT_TLS_CA_FILE: ca }),
    ).toThrow(/is not mqtts/);
    expect(() =>
      readIngestionConfig({ MQTT_URL: 'mqtts://broker:8883', INGESTION_MQTT_TLS_CERT_FILE: ca }),
    ).toThrow(/go together/);
    expect(() =>
      readIngestionConfig({
        MQTT_URL: 'mqtts://broker:8883',
        INGESTION_MQTT_TLS_CA_FILE: join(dir, 'absent.pem'),
      }),
    ).toThrow(/INGESTION_MQTT_TLS_CA_FILE=".*absent.pem": cannot read the file \(ENOENT\)/);
  });
});

describe('the enterprise topic input’s Kafka login', () => {
  it('is Twinlog’s own on its cluster, and its own settings on an enterprise cluster', () => {
    const distributed = {
      TWINLOG_MODE: 'distributed',
      KAFKA_BROKERS: 'kafka:9092',
      INFLUX_URL: 'http://influxdb:8086',
      INFLUX_TOKEN: 't',
      INFLUX_ORG: 'o',
      TWINLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      TWINLOG_KAFKA_USERNAME: 'twinlog',
      TWINLOG_KAFKA_PASSWORD: 'pw',
      INGESTION_KAFKA_INPUT_TOPICS: 'raw',
    };
    expect(readIngestionConfig(distributed).kafkaInput?.security.sasl?.username).toBe('twinlog');
    const enterprise = readIngestionConfig({
      ...distributed,
      INGESTION_KAFKA_INPUT_BROKERS: 'corp:9093',
      INGESTION_KAFKA_INPUT_SASL_MECHANISM: 'scram-sha-256',
      INGESTION_KAFKA_INPUT_USERNAME: 'reader',
      INGESTION_KAFKA_INPUT_PASSWORD: 'pw2',
      INGESTION_KAFKA_INPUT_TLS: 'on',
    }).kafkaInput;
    expect(enterprise?.security).toEqual({
      sasl: { mechanism: 'scram-sha-256', username: 'reader', password: 'pw2' },
      tls: {},
    });
  });
});
