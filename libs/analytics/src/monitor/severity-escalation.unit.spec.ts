import {
  DEFAULT_MONITOR_SETTINGS,
  TwinAnomalyMonitor,
  type AnomalyChange,
  type MonitoredReading,
  type MonitorSettings,
  type MonitorState,
} from './twin-anomaly-monitor';

// An open episode's severity is the worst so far: it rises with the readings, never falls.

const T0 = Date.UTC(2026, 0, 1);
const wearLimits = {
  tool_wear: { warning: { high: 0.2 }, alarm: { high: 0.3 }, failure: { high: 0.4 } },
};

function series(property: string, values: number[], from = 0): MonitoredReading[] {
  return values.map((value, i) => ({
    property,
    value,
    at: T0 + (from + i) * 60_000,
    readingId: `${property}-${from + i}`,
  }));
}

/** A tool wearing through the warning, alarm and failure bands, back off its alarm, then replaced. */
const wear = series('tool_wear', [
  ...[0.1, 0.1, 0.1],
  ...[0.25, 0.25], // warning
  ...[0.35, 0.35], // alarm
  ...[0.45, 0.45], // failure
  ...[0.35, 0.25], // better again, still open
  ...Array<number>(6).fill(0.05), // a new tool
]);

const limitsOnly = (changes: AnomalyChange[]) => changes.filter((c) => c.detector === 'limits');
const summary = (changes: AnomalyChange[]) =>
  changes.map((c) => (c.kind === 'cleared' ? c.kind : `${c.kind} ${c.severity}`));

describe('an open episode whose severity rises', () => {
  it('opens at warning, is raised once to alarm and once to critical, and never lowered', () => {
    const changes = limitsOnly(new TwinAnomalyMonitor('tool-1', wearLimits).observe(wear));
    expect(summary(changes)).toEqual([
      'detected warning',
      'escalated alarm',
      'escalated critical',
      'cleared',
    ]);
    const [detected, alarm, critical] = changes;
    expect(alarm).toMatchObject({
      episodeId: detected!.episodeId,
      property: 'tool_wear',
      score: 0.8,
      evidence: [{ property: 'tool_wear', observed: 0.35 }],
      at: T0 + 5 * 60_000,
    });
    expect(critical).toMatchObject({ episodeId: detected!.episodeId, score: 0.95 });
  });

  it('keeps the worst severity in its checkpoint: a restored monitor goes on exactly', () => {
    const whole = new TwinAnomalyMonitor('tool-1', wearLimits).observe(wear);
    const first = new TwinAnomalyMonitor('tool-1', wearLimits);
    const before = first.observe(wear.slice(0, 6)); // opened and raised to alarm
    const state = JSON.parse(JSON.stringify(first.snapshot())) as MonitorState;
    expect(state.channels['tool_wear']!.find((c) => c.detector === 'limits')?.severity).toBe(
      'alarm',
    );
    const after = TwinAnomalyMonitor.restore(
      'tool-1',
      wearLimits,
      DEFAULT_MONITOR_SETTINGS,
      state,
    ).observe(wear.slice(6));
    expect([...before, ...after]).toEqual(whole);
  });

  it('restores a checkpoint taken before severities were kept, at what the score says now', () => {
    const first = new TwinAnomalyMonitor('tool-1', wearLimits);
    first.observe(wear.slice(0, 6));
    const state = JSON.parse(JSON.stringify(first.snapshot())) as MonitorState;
    for (const channels of Object.values(state.channels))
      for (const channel of channels) delete channel.severity;
    const after = TwinAnomalyMonitor.restore(
      'tool-1',
      wearLimits,
      DEFAULT_MONITOR_SETTINGS,
      state,
    ).observe(wear.slice(6));
    // Alarm (the last reading's band) is not raised again; critical is.
    expect(summary(limitsOnly(after))).toEqual(['escalated critical', 'cleared']);
  });

  it('is raised by the smoothed score where the detector smooths: one wild reading pages no critical', () => {
    let seed = 11;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
    const settings: MonitorSettings = {
      ...DEFAULT_MONITOR_SETTINGS,
      defaults: { ...DEFAULT_MONITOR_SETTINGS.defaults, flatlineSeconds: undefined },
    };
    const values = [
      ...Array.from({ length: 80 }, () => 50 + noise()),
      ...Array.from({ length: 8 }, () => 53 + noise()), // a modest, lasting shift: warning
      500, // one wild reading
      ...Array.from({ length: 8 }, () => 53 + noise()),
    ];
    const changes = new TwinAnomalyMonitor('pump-1', {}, settings).observe(
      series('temperature', values),
    );
    const baseline = changes.filter((c) => c.detector === 'baseline');
    expect(baseline[0]).toMatchObject({ kind: 'detected', severity: 'warning' });
    expect(baseline.some((c) => c.kind === 'escalated' && c.severity === 'critical')).toBe(false);
  });

  it('raises a stuck sensor to alarm and no further, however long it stays stuck', () => {
    const settings: MonitorSettings = {
      ...DEFAULT_MONITOR_SETTINGS,
      defaults: { ...DEFAULT_MONITOR_SETTINGS.defaults, flatlineSeconds: 600 },
    };
    // Moving for 20 minutes, then the same value for 12 hours (a reading a minute).
    const moving = Array.from({ length: 20 }, (_, i) => 50 + (i % 3));
    const stuck = Array<number>(12 * 60).fill(51);
    const flat = new TwinAnomalyMonitor('pump-2', {}, settings)
      .observe(series('temperature', [...moving, ...stuck]))
      .filter((c) => c.detector === 'flatline');
    expect(flat[0]).toMatchObject({ kind: 'detected' });
    expect(flat.map((c) => (c.kind === 'cleared' ? c.kind : c.severity))).toContain('alarm');
    expect(flat.some((c) => c.kind !== 'cleared' && c.severity === 'critical')).toBe(false);
  });
});
