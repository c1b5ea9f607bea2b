import { serviceFor } from './routes';

describe('the one-port routes', () => {
  it.each([
    ['/v1/readings', 'ingestion'],
    ['/v1/readings?x=1', 'ingestion'],
    ['/v1/ingestion/mqtt', 'ingestion'],
    ['/v1/ingestion/mqtt?x=1', 'ingestion'],
    ['/v1/ingestions', 'twin-state'],
    ['/v1/twins/cnc-01/maintenance', 'maintenance'],
    ['/v1/twins/cnc-01/maintenance/history?limit=5', 'maintenance'],
    ['/v1/reports/maintenance?twin=cnc-01', 'maintenance'],
    ['/v1/reports/maintenance?site=plant-a', 'maintenance'],
    ['/v1/simulations/abc', 'simulation'],
    ['/v1/physics/cnc-milling-machine', 'simulation'],
    ['/v1/worker', 'anomaly'],
    ['/v1/twins', 'twin-state'],
    ['/v1/twins/cnc-01/history?at=2026-01-01T00:00:00Z', 'twin-state'],
    ['/v1/twins/cnc-01-maintenance-bay', 'twin-state'],
    ['/v1/twins/cnc-01/telemetry?property=temperature&every=1m', 'twin-state'],
    ['/v1/twins/line-1/telemetry/rollup?property=power_consumption', 'twin-state'],
    ['/v1/admin/rebuild', 'twin-state'],
    // The AI layer's status (issue 22): twin-state answers it.
    ['/v1/ai', 'twin-state'],
    // Each AI service's own status.
    ['/v1/ai/twin-state', 'twin-state'],
    ['/v1/ai/simulation', 'simulation'],
    ['/v1/ai/maintenance', 'maintenance'],
    ['/v1/ai/anomaly', 'anomaly'],
    ['/v1/ai/simulationx', 'twin-state'],
    ['/v1/anomalies/mill-1:temperature:zscore:r-1/explanation', 'twin-state'],
    ['/v1/alerts', 'alerting'],
    ['/v1/alerts?status=open', 'alerting'],
    ['/v1/alerts/alt-1/acknowledge', 'alerting'],
    ['/v1/alert-channels/ch-1/test', 'alerting'],
    ['/v1/alert-rules', 'alerting'],
    ['/v1/silences?active=true', 'alerting'],
    ['/v1/alert-deliveries/dlv-1/redeliver', 'alerting'],
    ['/v1/alertsx', 'twin-state'],
  ])('%s goes to %s', (path, service) => {
    expect(serviceFor('GET', path)).toBe(service);
  });

  it('has no service for paths outside the API', () => {
    expect(serviceFor('GET', '/favicon.ico')).toBeUndefined();
    expect(serviceFor('GET', '/v2/twins')).toBeUndefined();
  });

  it('sends maintenance performed (a command) to twin-state, its prediction to maintenance', () => {
    expect(serviceFor('POST', '/v1/twins/cnc-01-tool/maintenance')).toBe('twin-state');
    expect(serviceFor('GET', '/v1/twins/cnc-01-tool/maintenance')).toBe('maintenance');
  });
});
