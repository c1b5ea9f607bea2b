import { ConfigError } from '@twinlog/service-kit';
import { readMaintenanceConfig } from './maintenance.config';

describe('maintenance configuration', () => {
  it('has a default for every setting', () => {
    expect(readMaintenanceConfig({})).toMatchObject({
      service: { mode: 'embedded' },
      http: { port: 8085 },
      group: 'maintenance',
      checkpointSeconds: 300,
      horizonHours: 8760,
    });
  });

  it('names every bad setting at once', () => {
    const read = () =>
      readMaintenanceConfig({
        TWINLOG_MODE: 'distributed',
        MAINTENANCE_CHECKPOINT_SECONDS: '0',
        MAINTENANCE_HTTP_PORT: 'eighty',
      });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      /KAFKA_BROKERS is required[\s\S]*MAINTENANCE_HTTP_PORT="eighty"[\s\S]*MAINTENANCE_CHECKPOINT_SECONDS="0"/,
    );
  });
});
