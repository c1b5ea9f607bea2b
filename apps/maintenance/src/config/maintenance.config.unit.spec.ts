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
      band: { low: -2.32, mid: 0, high: 2.32 },
    });
  });

  it('reads a band calibration learned elsewhere, and refuses one that is not three increasing scores', () => {
    expect(readMaintenanceConfig({ MAINTENANCE_BAND_SCORES: '-1.5, 1, 2.7' }).band).toMatchObject({
      low: -1.5,
      mid: 1,
      high: 2.7,
    });
    expect(() => readMaintenanceConfig({ MAINTENANCE_BAND_SCORES: '2,1,3' })).toThrow(
      /MAINTENANCE_BAND_SCORES[\s\S]*three increasing numbers/,
    );
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
