import {
  DEFAULT_MONITOR_SETTINGS,
  TwinAnomalyMonitor,
  type AnomalyChange,
} from './twin-anomaly-monitor';

const reading = (property: string, second: number, value = 1) => ({
  property,
  value: value + 0.001 * Math.sin(second),
  at: second * 1000,
  readingId: `${property}-${second}`,
});

function run(monitor: TwinAnomalyMonitor, seconds: number[], silentFrom: number, silentTo: number) {
  const changes: AnomalyChange[] = [];
  for (const s of seconds) {
    const readings = [reading('a', s)];
    if (s < silentFrom || s >= silentTo) readings.push(reading('b', s));
    changes.push(...monitor.observe(readings).filter((c) => c.detector === 'missing-data'));
  }
  return changes;
}

describe('missing sensors (the silence watch of TwinAnomalyMonitor)', () => {
  const seconds = Array.from({ length: 200 }, (_, i) => i);

  it('opens one episode when a sensor falls silent while its twin reports, and clears it when it returns', () => {
    const changes = run(new TwinAnomalyMonitor('pump-1', {}), seconds, 100, 130);
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'detected',
        property: 'b',
        // Five usual intervals (1 s) of silence after the last reading at 99 s.
        at: 104_000,
        episodeId: 'pump-1:b:missing-data:a-104',
        evidence: [
          expect.objectContaining({ property: 'b', observed: 5, expected: 1, expectedHigh: 5 }),
        ],
      }),
      expect.objectContaining({ kind: 'cleared', property: 'b', at: 130_000 }),
    ]);
  });

  it('is deterministic and continues exactly from a checkpoint', () => {
    const whole = run(new TwinAnomalyMonitor('pump-1', {}), seconds, 100, 130);
    const first = new TwinAnomalyMonitor('pump-1', {});
    const before = run(first, seconds.slice(0, 102), 100, 130);
    const resumed = TwinAnomalyMonitor.restore(
      'pump-1',
      {},
      DEFAULT_MONITOR_SETTINGS,
      first.snapshot(),
    );
    expect([...before, ...run(resumed, seconds.slice(102), 100, 130)]).toEqual(whole);
  });

  it('stays quiet when the property is switched off', () => {
    const settings = {
      ...DEFAULT_MONITOR_SETTINGS,
      properties: { b: { missingAfterIntervals: undefined } },
    };
    expect(run(new TwinAnomalyMonitor('pump-1', {}, settings), seconds, 100, 130)).toEqual([]);
  });
});
