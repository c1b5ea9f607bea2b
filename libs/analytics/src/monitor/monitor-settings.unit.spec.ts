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

  it('switches the baseline off where the model sets its threshold to 0 (several normal levels)', () => {
    const cycling = parseTwinModel(
      `type: mill
version: 1
level: asset
properties:
  spindle_speed: { unit: rpm, anomaly: { baselineThreshold: 0 } }
  temperature: { unit: °C }
anomaly: { multivariate: { enabled: false } }`,
      'mill.yaml',
    );
    const monitor = new TwinAnomalyMonitor('mill-1', {}, monitorSettingsFor(cycling));
    const t0 = Date.UTC(2026, 0, 1);
    // Cutting at 8000 rpm, idle at 0, over and over: normal for this machine.
    const changes = Array.from({ length: 600 }, (_, i) => [
      {
        property: 'spindle_speed',
        value: Math.floor(i / 50) % 2 ? 0 : 8000 + (i % 7),
        at: t0 + i * 1000,
        readingId: `s-${i}`,
      },
      {
        property: 'temperature',
        value: 50 + (i % 5) * 0.1,
        at: t0 + i * 1000,
        readingId: `t-${i}`,
      },
    ]).flatMap((readings) => monitor.observe(readings));
    expect(changes.filter((c) => c.property === 'spindle_speed')).toEqual([]);
    // The same signal with the baseline on is called anomalous at the first idle gap.
    const defaults = new TwinAnomalyMonitor('mill-1', {});
    const flagged = Array.from({ length: 600 }, (_, i) =>
      defaults.observe([
        {
          property: 'spindle_speed',
          value: Math.floor(i / 50) % 2 ? 0 : 8000 + (i % 7),
          at: t0 + i * 1000,
          readingId: `s-${i}`,
        },
      ]),
    ).flat();
    expect(flagged.some((c) => c.kind === 'detected' && c.detector === 'baseline')).toBe(true);
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

  it('turns the multivariate channel on over all properties by default, with the model overriding', () => {
    expect(monitorSettingsFor(model).multivariate).toMatchObject({
      properties: ['flow_rate', 'pressure'],
      warmUp: 400,
      limitMargin: 4,
    });
    const own = parseTwinModel(
      `type: pump
version: 1
level: component
properties: { a: { unit: "1" }, b: { unit: "1" }, c: { unit: "1" } }
anomaly: { multivariate: { properties: [c, a], warmUp: 120, smoothing: 5, limitMargin: 6 } }`,
      'pump.yaml',
    );
    expect(monitorSettingsFor(own).multivariate).toMatchObject({
      properties: ['c', 'a'],
      warmUp: 120,
      smoothing: 5,
      limitMargin: 6,
      adaptation: 200,
    });
    const off = parseTwinModel(
      `type: pump
version: 1
level: component
properties: { a: { unit: "1" }, b: { unit: "1" } }
anomaly: { multivariate: { enabled: false } }`,
      'pump.yaml',
    );
    expect(monitorSettingsFor(off).multivariate).toBeUndefined();
  });

  it('refuses a vector property the model lacks, and settings the detector cannot work with', () => {
    const invalid = (anomaly: string) => {
      try {
        monitorSettingsFor(
          parseTwinModel(
            `type: pump
version: 1
level: component
properties: { a: { unit: "1" }, b: { unit: "1" } }
anomaly: ${anomaly}`,
            'pump.yaml',
          ),
        );
        return 'accepted';
      } catch (error) {
        return isTwinlogError(error, 'MODEL_INVALID') ? (error as Error).message : 'other error';
      }
    };
    expect(invalid('{ multivariate: { properties: [a, flow] } }')).toMatch(
      /anomaly\.multivariate\.properties\.1: unknown property flow/,
    );
    expect(invalid('{ multivariate: { warmUp: 20, smoothing: 10 } }')).toMatch(/warmUp must be/);
  });
});
