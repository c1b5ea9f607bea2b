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

  it('reads the second opinion settings: off by default, bad values named', () => {
    expect(readAnomalyConfig({}).secondOpinion).toEqual({
      twinTypes: [],
      intervalMs: 900_000,
      perHour: 3,
      queue: 20,
    });
    expect(
      readAnomalyConfig({
        TWINLOG_AI_SECOND_OPINION_TYPES: ' pump, cnc-milling-machine,pump ',
        TWINLOG_AI_SECOND_OPINION_INTERVAL_S: '60',
      }).secondOpinion,
    ).toMatchObject({ twinTypes: ['pump', 'cnc-milling-machine'], intervalMs: 60_000 });
    for (const [name, value] of [
      ['TWINLOG_AI_SECOND_OPINION_TYPES', 'pump,__proto__'],
      ['TWINLOG_AI_SECOND_OPINION_TYPES', 'a b'],
      ['TWINLOG_AI_SECOND_OPINION_INTERVAL_S', '5'],
      ['TWINLOG_AI_SECOND_OPINION_PER_HOUR', '0'],
      ['TWINLOG_AI_SECOND_OPINION_QUEUE', 'many'],
    ])
      expect(() => readAnomalyConfig({ [name!]: value })).toThrow(new RegExp(name!));
  });
});
