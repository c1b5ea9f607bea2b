import {
  DEFAULT_MONITOR_SETTINGS,
  TwinAnomalyMonitor,
  type MonitoredReading,
} from './twin-anomaly-monitor';

const limits = {
  temperature: { normal: { high: 65 }, warning: { high: 75 }, alarm: { high: 85 } },
};

/** 300 s of normal temperature, 20 s of overheating, then normal again; one reading per second. */
function readings(): MonitoredReading[] {
  let seed = 5;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  return Array.from({ length: 400 }, (_, i) => ({
    property: 'temperature',
    value: (i >= 300 && i < 320 ? 90 : 50) + noise(),
    at: Date.UTC(2026, 0, 1) + i * 1000,
    readingId: `r-${i}`,
  }));
}

describe('a twin anomaly monitor', () => {
  it('reports one detection and one clearing per detector and episode, with evidence and severity', () => {
    const changes = new TwinAnomalyMonitor('mill-1', limits).observe(readings());
    const byDetector = (d: string) => changes.filter((c) => c.detector === d).map((c) => c.kind);
    expect(byDetector('limits')).toEqual(['detected', 'cleared']);
    expect(byDetector('baseline')).toEqual(['detected', 'cleared']);
    const detected = changes.find((c) => c.kind === 'detected' && c.detector === 'limits');
    expect(detected).toMatchObject({
      episodeId: 'mill-1:temperature:limits:r-300',
      severity: expect.stringMatching(/alarm|critical/),
      evidence: [{ property: 'temperature', expectedHigh: 65 }],
    });
    const cleared = changes.find((c) => c.kind === 'cleared' && c.detector === 'limits');
    expect(cleared?.episodeId).toBe(detected?.episodeId);
  });

  it('is deterministic: the same readings give the same episodes, so a replay after a takeover dedupes', () => {
    const a = new TwinAnomalyMonitor('mill-1', limits).observe(readings());
    const b = new TwinAnomalyMonitor('mill-1', limits).observe(readings());
    expect(b).toEqual(a);
  });

  it('makes one episode of a value chattering across a limit', () => {
    const chatter = Array.from({ length: 20 }, (_, i) => ({
      property: 'temperature',
      value: i % 2 === 0 ? 64 : 66,
      at: Date.UTC(2026, 0, 1) + i * 1000,
      readingId: `c-${i}`,
    }));
    const changes = new TwinAnomalyMonitor('mill-1', limits).observe(chatter);
    expect(changes.filter((c) => c.detector === 'limits').map((c) => c.kind)).toEqual(['detected']);
  });

  it('stays quiet on normal operation', () => {
    const calm = readings().slice(0, 300);
    expect(new TwinAnomalyMonitor('mill-1', limits).observe(calm)).toEqual([]);
  });
});

describe('a twin anomaly monitor whose limits change', () => {
  const at = (i: number) => Date.UTC(2026, 0, 1) + i * 1000;
  const temperature = (i: number, value: number) => [
    { property: 'temperature', value, at: at(i), readingId: `t-${i}` },
  ];
  const limitsChanges = (changes: ReturnType<TwinAnomalyMonitor['observe']>) =>
    changes.filter((c) => c.detector === 'limits').map((c) => c.kind);

  it('judges by the new limits from the next reading: a raised limit ends an open episode', () => {
    const monitor = new TwinAnomalyMonitor('mill-1', limits);
    expect(limitsChanges(monitor.observe(temperature(0, 70)))).toEqual(['detected']);
    monitor.setLimits({ temperature: { normal: { high: 80 }, alarm: { high: 90 } } });
    const after = [1, 2, 3, 4, 5].flatMap((i) => monitor.observe(temperature(i, 70)));
    expect(limitsChanges(after)).toEqual(['cleared']);
  });

  it('starts watching a property that gets limits, and checkpoints like a monitor built with them', () => {
    const monitor = new TwinAnomalyMonitor('mill-1', {});
    monitor.observe(temperature(0, 70));
    const added = { temperature: { normal: { high: 65 }, alarm: { high: 85 } } };
    monitor.setLimits(added);
    expect(limitsChanges(monitor.observe(temperature(1, 90)))).toEqual(['detected']);
    const resumed = TwinAnomalyMonitor.restore(
      'mill-1',
      added,
      DEFAULT_MONITOR_SETTINGS,
      monitor.snapshot(),
    );
    expect(
      limitsChanges([2, 3, 4, 5, 6].flatMap((i) => resumed.observe(temperature(i, 50)))),
    ).toEqual(['cleared']);
  });
});
