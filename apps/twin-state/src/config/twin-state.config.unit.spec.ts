import { readTwinStateConfig } from './twin-state.config';

const base = {
  TWINLOG_MODE: 'distributed',
  TWINLOG_AUTH: 'off',
  KAFKA_BROKERS: 'kafka-0:9092',
  INFLUX_URL: 'http://influxdb:8086',
  INFLUX_TOKEN: 'a-token',
  INFLUX_ORG: 'plant',
};

describe('twin-state replicas settings', () => {
  it('keep one replica holding every twin by default', () => {
    expect(readTwinStateConfig(base).replicas).toEqual({ shared: false, handoverWaitMs: 2_000 });
  });

  it('need the URL the other replicas reach this one at, and answer to its host', () => {
    expect(() => readTwinStateConfig({ ...base, TWIN_STATE_REPLICAS: 'shared' })).toThrow(
      /TWIN_STATE_ADVERTISED_URL.*needs the URL the other replicas reach this one at/,
    );
    expect(() =>
      readTwinStateConfig({
        ...base,
        TWIN_STATE_REPLICAS: 'shared',
        TWIN_STATE_ADVERTISED_URL: 'ftp://10.1.2.3:8082',
      }),
    ).toThrow(/TWIN_STATE_ADVERTISED_URL/);
    const config = readTwinStateConfig({
      ...base,
      TWIN_STATE_HTTP_HOST: '0.0.0.0',
      TWIN_STATE_REPLICAS: 'shared',
      TWIN_STATE_ADVERTISED_URL: 'http://10.1.2.3:8082/',
    });
    expect(config.replicas).toEqual({
      shared: true,
      url: 'http://10.1.2.3:8082',
      handoverWaitMs: 2_000,
    });
    expect(config.http.allowedHosts.allows('10.1.2.3:8082')).toBe(true);
    expect(config.http.allowedHosts.allows('evil.example:8082')).toBe(false);
  });
});
