import { parseTwinModel } from '@twinlog/domain';
import { monitorSettingsFor } from './monitor-settings';
import { TwinAnomalyMonitor, type MonitoredReading } from './twin-anomaly-monitor';

const modelWith = (singleStream: string) =>
  parseTwinModel(
    `type: chiller
version: 1
level: component
properties:
  supply_temp:
    unit: °C
    anomaly: { singleStream: ${singleStream}, baselineThreshold: 0, flatlineSeconds: 0 }
`,
    'chiller.yaml',
  );

/** A minute per reading; noise around 7 °C, from reading 600 around 9 °C (a new normal). */
function readings(): MonitoredReading[] {
  let seed = 3;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  return Array.from({ length: 900 }, (_, i) => ({
    property: 'supply_temp',
    value: (i >= 600 ? 9 : 7) + 0.2 * noise(),
    at: Date.UTC(2026, 0, 1) + i * 60_000,
    readingId: `r-${i}`,
  }));
}

describe('the single-stream detector in a twin monitor (anomaly.singleStream)', () => {
  it('is off unless the model asks for it', () => {
    const plain = parseTwinModel(
      'type: chiller\nversion: 1\nlevel: component\nproperties:\n  supply_temp: { unit: °C }\n',
      'chiller.yaml',
    );
    const changes = new TwinAnomalyMonitor('c-1', {}, monitorSettingsFor(plain)).observe(
      readings(),
    );
    expect(changes.filter((c) => c.detector === 'single-stream')).toEqual([]);
  });

  it('opens one episode at a level shift, with the expected level as evidence, and clears it', () => {
    const monitor = new TwinAnomalyMonitor('c-1', {}, monitorSettingsFor(modelWith('true')));
    const changes = monitor.observe(readings());
    const mine = changes.filter((c) => c.detector === 'single-stream');
    expect(mine.map((c) => c.kind)).toEqual(['detected', 'cleared']);
    expect(mine[0]).toMatchObject({
      episodeId: 'c-1:supply_temp:single-stream:r-600',
      evidence: [{ property: 'supply_temp', expected: expect.closeTo(7, 0) }],
    });
  });

  it('continues exactly from a checkpoint', () => {
    const settings = monitorSettingsFor(modelWith('{ alarmProbability: 0.001 }'));
    const all = readings();
    const whole = new TwinAnomalyMonitor('c-1', {}, settings).observe(all);
    const first = new TwinAnomalyMonitor('c-1', {}, settings);
    const before = first.observe(all.slice(0, 450));
    const state = JSON.parse(JSON.stringify(first.snapshot()));
    const after = TwinAnomalyMonitor.restore('c-1', {}, settings, state).observe(all.slice(450));
    expect([...before, ...after]).toEqual(whole);
  });

  it('refuses settings out of range with MODEL_INVALID', () => {
    expect(() => monitorSettingsFor(modelWith('{ alarmProbability: 0.5 }'))).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID' }),
    );
  });
});
