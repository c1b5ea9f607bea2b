import type { TelemetryAnswer } from '../../api/types';
import { processTrend } from './process-trend';

const window = (start: string, mean: number) => ({
  start,
  mean,
  min: mean,
  max: mean,
  last: mean,
  count: 1,
});

describe('processTrend', () => {
  it('draws OEE and its factors as % on shared times, with gaps, and says first and last', () => {
    const answer: TelemetryAnswer = {
      twinId: 'machining-1',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T00:10:00.000Z',
      every: '5m',
      everyMs: 300_000,
      series: [
        {
          property: 'availability',
          unit: '1',
          windows: [window('2026-01-01T00:00:00.000Z', 1), window('2026-01-01T00:05:00.000Z', 0)],
        },
        { property: 'oee', unit: '1', windows: [window('2026-01-01T00:05:00.000Z', 0.8312)] },
        {
          property: 'throughput',
          unit: 'parts/h',
          windows: [window('2026-01-01T00:05:00.000Z', 19)],
        },
      ],
    };
    const trend = processTrend(answer);
    expect(trend.times).toEqual([
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2026-01-01T00:05:00Z'),
    ]);
    expect(trend.series).toEqual([
      { label: 'oee', unit: '%', values: [null, 83.1] },
      { label: 'availability', unit: '%', values: [100, 0] },
    ]);
    expect(trend.summary).toContain('oee 83.1% to 83.1%; availability 100% to 0%');
  });

  it('says there is nothing yet when no figure came', () => {
    expect(processTrend(undefined)).toMatchObject({ times: [], series: [] });
    expect(processTrend(undefined).summary).toMatch(/No figures yet/);
  });
});
