import { AllowedHosts, ConfigError, DEFAULT_HTTP_TIMEOUTS } from '@twinlog/service-kit';
import { readGatewayConfig } from './gateway.config';
import { SERVICES } from './routes';

const upstreams = {
  TWINLOG_INGESTION_URL: 'http://ingestion:8081',
  TWINLOG_TWIN_STATE_URL: 'http://twin-state:8082',
  TWINLOG_ANOMALY_URL: 'http://anomaly:8083',
  TWINLOG_SIMULATION_URL: 'http://simulation:8084',
  TWINLOG_MAINTENANCE_URL: 'http://maintenance:8085',
  TWINLOG_ALERTING_URL: 'http://alerting:8086',
};

describe('gateway configuration', () => {
  it('routes each service to its URL and listens on 127.0.0.1:8080 by default', () => {
    expect(readGatewayConfig(upstreams)).toEqual({
      http: {
        host: '127.0.0.1',
        port: 8080,
        timeouts: DEFAULT_HTTP_TIMEOUTS,
        allowedHosts: AllowedHosts.loopback,
      },
      upstreams: {
        ingestion: 'http://ingestion:8081',
        'twin-state': 'http://twin-state:8082',
        anomaly: 'http://anomaly:8083',
        simulation: 'http://simulation:8084',
        maintenance: 'http://maintenance:8085',
        alerting: 'http://alerting:8086',
      },
    });
    expect(
      readGatewayConfig({
        ...upstreams,
        GATEWAY_HTTP_PORT: '9000',
        GATEWAY_HTTP_HOST: '::',
        TWINLOG_HTTP_REQUEST_TIMEOUT_MS: '5000',
      }).http,
    ).toEqual({
      host: '::',
      port: 9000,
      timeouts: { ...DEFAULT_HTTP_TIMEOUTS, requestTimeoutMs: 5000 },
      allowedHosts: AllowedHosts.loopback,
    });
  });

  it('answers to the names TWINLOG_ALLOWED_HOSTS gives, and to the one it binds to', () => {
    const { allowedHosts } = readGatewayConfig({
      ...upstreams,
      GATEWAY_HTTP_HOST: 'twinlog.local',
      TWINLOG_ALLOWED_HOSTS: 'gateway, twinlog.plant.example:443',
    }).http;
    expect(allowedHosts.toSetting()).toBe(
      'localhost,127.0.0.1,[::1],gateway,twinlog.plant.example,twinlog.local',
    );
  });

  it('names a bad allowed host with the missing URLs at once', () => {
    const { TWINLOG_ANOMALY_URL: _a, ...partial } = upstreams;
    expect(() =>
      readGatewayConfig({ ...partial, TWINLOG_ALLOWED_HOSTS: 'gateway,https://evil.example/' }),
    ).toThrow(
      /TWINLOG_ANOMALY_URL="": required[^]*TWINLOG_ALLOWED_HOSTS="gateway,https:\/\/evil.example\/": "https:\/\/evil.example\/" is not a host name/,
    );
  });

  it('names every missing upstream at once, with an example', () => {
    const { TWINLOG_ANOMALY_URL: _a, TWINLOG_MAINTENANCE_URL: _m, ...partial } = upstreams;
    let error: unknown;
    try {
      readGatewayConfig({ ...partial, TWINLOG_SIMULATION_URL: '' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(
      /TWINLOG_ANOMALY_URL="": required: the base URL of the anomaly service, e\.g\. http:\/\/anomaly:8083/,
    );
    expect(problems.join('\n')).toMatch(/TWINLOG_SIMULATION_URL="": required/);
    expect(problems.join('\n')).toMatch(/TWINLOG_MAINTENANCE_URL="": required/);
  });

  it('refuses a value that is not a URL, and a bad port', () => {
    expect(() => readGatewayConfig({ ...upstreams, TWINLOG_TWIN_STATE_URL: 'twin-state' })).toThrow(
      /TWINLOG_TWIN_STATE_URL="twin-state": not a URL: the base URL of the twin-state service/,
    );
    expect(() => readGatewayConfig({ ...upstreams, GATEWAY_HTTP_PORT: 'http' })).toThrow(
      /GATEWAY_HTTP_PORT="http"/,
    );
  });

  it('has an upstream for every routed service', () => {
    expect(Object.keys(readGatewayConfig(upstreams).upstreams).sort()).toEqual(
      [...SERVICES].sort(),
    );
  });
});
