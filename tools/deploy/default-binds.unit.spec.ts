import { ENTRY_POINTS } from './entry-points';

// Every Twinlog process listens on loopback and answers to loopback names unless its
// deployment says otherwise (issue 18): a process started by hand is never on the network.
const upstreams = {
  TWINLOG_INGESTION_URL: 'http://127.0.0.1:8081',
  TWINLOG_TWIN_STATE_URL: 'http://127.0.0.1:8082',
  TWINLOG_ANOMALY_URL: 'http://127.0.0.1:8083',
  TWINLOG_SIMULATION_URL: 'http://127.0.0.1:8084',
  TWINLOG_MAINTENANCE_URL: 'http://127.0.0.1:8085',
  TWINLOG_ALERTING_URL: 'http://127.0.0.1:8086',
};

const servers = ENTRY_POINTS.filter((e) => e.readConfig).map((e) => [e.role, e] as const);

it('covers the six services, the gateway and the all-in-one process', () => {
  expect(servers.map(([role]) => role).sort()).toEqual(
    [
      'alerting',
      'all-in-one',
      'anomaly',
      'gateway',
      'ingestion',
      'maintenance',
      'simulation',
      'twin-state',
    ].sort(),
  );
});

it.each(servers)('%s binds 127.0.0.1 and answers to loopback names by default', (role, entry) => {
  const { http } = entry.readConfig!(role === 'gateway' ? upstreams : {});
  expect(http.host).toBe('127.0.0.1');
  expect(http.allowedHosts.toSetting()).toBe('localhost,127.0.0.1,[::1]');
  expect(http.allowedHosts.allows('rebound.evil.example')).toBe(false);
});
