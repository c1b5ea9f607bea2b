import { readAnomalyConfig } from './anomaly.config';

describe('anomaly service configuration', () => {
  it('has a default for every setting', () => {
    const config = readAnomalyConfig({});
    expect(config).toMatchObject({
      http: { port: 8083 },
      group: 'anomaly',
      maxBatch: 2_000,
      directoryWaitMs: 5_000,
    });
    expect(config.service.mode).toBe('embedded');
  });

  it('names every bad setting at once', () => {
    expect(() =>
      readAnomalyConfig({
        ANOMALY_HTTP_PORT: 'eighty',
        ANOMALY_MAX_BATCH: '0',
        TWINLOG_MODE: 'cloud',
      }),
    ).toThrow(
      /ANOMALY_HTTP_PORT[\s\S]*ANOMALY_MAX_BATCH|ANOMALY_MAX_BATCH[\s\S]*ANOMALY_HTTP_PORT/,
    );
  });
});
