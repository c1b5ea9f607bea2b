import { isTwinlogError, parseTwinModel } from '@twinlog/domain';
import { monitorSettingsFor } from './monitor-settings';
import { TwinAnomalyMonitor } from './twin-anomaly-monitor';

const model = parseTwinModel(
  `type: pump
version: 1
level: component
properties:
  flow_rate:
    unit: L/min
    anomaly: { maxRatePerSecond: 2, flatlineSeconds: 0, baselineThreshold: 5 }
  pressure: { unit: bar }`,
  'pump.yaml',
);

describe('detector settings from the model file', () => {
  it("takes each property's anomaly block over the defaults", () => {
    const settings = monitorSettingsFor(model);
    expect(settings.properties['flow_rate']).toMatchObject({
      maxRatePerSecond: 2,
      flatlineSeconds: undefined,
      baseline: { threshold: 5 },
    });
    expect(settings.properties['pressure']).toBeUndefined();
    expect(settings.defaults.flatlineSeconds).toBe(600);
  });

  it('runs the rate-of-change detector where the model sets a physical limit', () => {
    const monitor = new TwinAnomalyMonitor('pump-1', {}, monitorSettingsFor(model));
    const t0 = Date.UTC(2026, 0, 1);
    const changes = monitor.observe(
      [20, 20.5, 21, 40, 41, 42].map((value, i) => ({
        property: 'flow_rate',
        value,
        at: t0 + i * 1000,
        readingId: `f-${i}`,
      })),
    );
    expect(changes.map((c) => `${c.kind}:${c.detector}`)).toContain('detected:rate-of-change');
  });

  it('refuses an unknown anomaly setting in the model, naming the file and path', () => {
    try {
      parseTwinModel(
        `type: pump
version: 1
level: component
properties:
  flow_rate: { unit: L/min, anomaly: { sensitivity: 3 } }`,
        'pump.yaml',
      );
      throw new Error('accepted');
    } catch (error) {
      expect(isTwinlogError(error, 'MODEL_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/pump\.yaml/);
      expect((error as Error).message).toMatch(/anomaly/);
    }
  });
});
