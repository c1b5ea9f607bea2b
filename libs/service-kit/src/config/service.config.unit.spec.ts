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
