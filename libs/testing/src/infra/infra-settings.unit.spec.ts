import { settingsFromEnv, settingsToEnv } from './infra-settings';
import { realServer } from './test-settings';

describe('infra settings from the environment', () => {
  it('reads every server the environment names, and round-trips', () => {
    const env = {
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      INFLUX_URL: 'http://127.0.0.1:8086',
      INFLUX_TOKEN: 't0ken',
      INFLUX_ORG: 'plant',
      MQTT_URL: 'mqtt://127.0.0.1:1883',
    };
    const settings = settingsFromEnv(env);
    expect(settings).toEqual({
      kafka: { brokers: ['127.0.0.1:9092', '127.0.0.1:9093'] },
      influx: { url: 'http://127.0.0.1:8086', token: 't0ken', org: 'plant', bucket: 'telemetry' },
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
    });
    expect(settingsFromEnv(settingsToEnv(settings))).toEqual(settings);
  });

  it('names nothing when nothing is set', () => {
    expect(settingsFromEnv({})).toEqual({});
  });

  it('refuses a half-configured InfluxDB and says what is missing', () => {
    expect(() => settingsFromEnv({ INFLUX_URL: 'http://x', INFLUX_ORG: 'o' })).toThrow(
      /INFLUX_TOKEN missing/,
    );
  });

  it('makes a test without a server fail with how to fix it, never skip', () => {
    const saved = process.env['MQTT_URL'];
    delete process.env['MQTT_URL'];
    try {
      expect(() => realServer('mqtt')).toThrow(/No mqtt server.*MQTT_URL/s);
    } finally {
      if (saved !== undefined) process.env['MQTT_URL'] = saved;
    }
  });
});
