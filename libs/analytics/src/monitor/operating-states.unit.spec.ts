import { isTwinlogError, parseTwinModel } from '@twinlog/domain';
import {
  CUT_S,
  IDLE_S,
  loadCycles,
  type LoadCycleOptions,
} from '../multivariate/testing/load-cycle-machine';
import { monitorSettingsFor } from './monitor-settings';
import {
  TwinAnomalyMonitor,
  type AnomalyChange,
  type MonitoredReading,
} from './twin-anomaly-monitor';

const CYCLE = CUT_S + IDLE_S;
const PROPERTIES = ['spindle_speed', 'power', 'vibration'];
const mill = (states: string) =>
  parseTwinModel(
    `type: mill
version: 1
level: asset
properties:
  spindle_speed: { unit: rpm, anomaly: { baselineThreshold: 0 } }
  power: { unit: kW, anomaly: { baselineThreshold: 0 } }
  vibration: { unit: mm/s, anomaly: { baselineThreshold: 0 } }
  machine_state: { unit: '1', anomaly: { baselineThreshold: 0, flatlineSeconds: 0 } }
anomaly:
  multivariate: { properties: [spindle_speed, power, vibration], warmUp: 800 }
${states}`,
    'mill.yaml',
  );
const withStates = mill(`  operatingStates:
    property: machine_state
    states: [{ name: idle, below: 1.5 }, { name: cutting }]`);

const t0 = Date.UTC(2026, 0, 1);
function telemetry(steps: number, options: LoadCycleOptions = {}): MonitoredReading[][] {
  return loadCycles(steps, options).map(({ row, state }, t) =>
    [...row, state].map((value, j) => ({
      property: PROPERTIES[j] ?? 'machine_state',
      value,
      at: t0 + t * 1000,
      readingId: `r-${t}-${j}`,
    })),
  );
}
const multivariate = (changes: AnomalyChange[]) =>
  changes.filter((c) => c.detector === 'multivariate' && c.kind === 'detected');

describe('operating states declared in the twin model', () => {
  it('reach the multivariate channel, settling for the smoothing span unless the model says', () => {
    expect(monitorSettingsFor(withStates).multivariate?.operatingStates).toEqual({
      property: 'machine_state',
      states: [{ name: 'idle', below: 1.5 }, { name: 'cutting' }],
      settle: 10,
    });
    expect(monitorSettingsFor(mill('')).multivariate?.operatingStates).toBeUndefined();
  });

  it('are refused when the states are out of order or the property is unknown', () => {
    const bad = (states: string) => {
      try {
        mill(states);
        return 'accepted';
      } catch (error) {
        return isTwinlogError(error) ? error.code : 'other';
      }
    };
    expect(
      bad(
        `  operatingStates: { property: machine_state, states: [{ name: a, below: 2 }, { name: b, below: 1 }, { name: c }] }`,
      ),
    ).toBe('MODEL_INVALID');
    expect(
      bad(`  operatingStates: { property: speed, states: [{ name: a, below: 2 }, { name: b }] }`),
    ).toBe('MODEL_INVALID');
    expect(
      bad(
        `  operatingStates: { property: machine_state, states: [{ name: a, below: 2 }, { name: b, below: 3 }] }`,
      ),
    ).toBe('MODEL_INVALID');
  });

  it('keep an idle machine and its load cycles out of the episodes, and still catch a fault while cutting', () => {
    const monitor = new TwinAnomalyMonitor('mill-1', {}, monitorSettingsFor(withStates));
    const from = 60 * CYCLE + 30;
    const changes = telemetry(70 * CYCLE, {
      waits: [40 * CYCLE, 40 * CYCLE + 3600],
      vibrationFault: [from, 66 * CYCLE, 2],
    }).flatMap((batch) => monitor.observe(batch));
    const detected = multivariate(changes);
    expect(detected.length).toBeGreaterThan(0);
    expect(detected.every((c) => c.at >= t0 + from * 1000)).toBe(true);
    const first = detected[0]!;
    if (first.kind !== 'detected') throw new Error('unreachable');
    expect(first.at - (t0 + from * 1000)).toBeLessThan(60_000);
    expect(first.evidence.map((e) => e.property)).toContain('vibration');
  });

  it('leave a twin that never reports its state judged as without them', () => {
    const batches = telemetry(30 * CYCLE, { vibrationFault: [25 * CYCLE, 27 * CYCLE, 2] }).map(
      (batch) => batch.filter((r) => r.property !== 'machine_state'),
    );
    const run = (model: ReturnType<typeof mill>) => {
      const monitor = new TwinAnomalyMonitor('mill-1', {}, monitorSettingsFor(model));
      return batches.flatMap((b) => monitor.observe(b));
    };
    const without = run(mill(''));
    expect(multivariate(without).length).toBeGreaterThan(0);
    expect(run(withStates)).toEqual(without);
  });

  it('keep the stuck-sensor check off a property that holds still by nature in the state', () => {
    const still = (list: string) =>
      mill(`  operatingStates:
    property: machine_state
    states: [{ name: idle, below: 1.5${list} }, { name: cutting }]`);
    const flatlines = (model: ReturnType<typeof mill>, options: LoadCycleOptions) => {
      const monitor = new TwinAnomalyMonitor('mill-1', {}, monitorSettingsFor(model));
      return telemetry(40 * CYCLE, options)
        .flatMap((batch) => monitor.observe(batch))
        .filter((c) => c.kind === 'detected' && c.detector === 'flatline')
        .map((c) => c.property);
    };
    const waits: [number, number] = [20 * CYCLE, 20 * CYCLE + 3600];
    // An hour's stop: the spindle reads 0 rpm throughout, which is no stuck sensor.
    expect(flatlines(still(', still: [spindle_speed]'), { waits })).toEqual([]);
    expect(flatlines(still(''), { waits })).toEqual(['spindle_speed']);
  });

  it('are part of the checkpoint: a restored monitor continues exactly', () => {
    const settings = monitorSettingsFor(withStates);
    const batches = telemetry(30 * CYCLE, { vibrationFault: [25 * CYCLE, 27 * CYCLE, 2] });
    const whole = new TwinAnomalyMonitor('mill-1', {}, settings);
    const expected = batches.map((b) => whole.observe(b));
    const first = new TwinAnomalyMonitor('mill-1', {}, settings);
    const cut = 24 * CYCLE + 3;
    batches.slice(0, cut).forEach((b) => first.observe(b));
    const state = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = TwinAnomalyMonitor.restore('mill-1', {}, settings, state);
    expect(batches.slice(cut).map((b) => resumed.observe(b))).toEqual(expected.slice(cut));
    expect(() =>
      TwinAnomalyMonitor.restore('mill-1', {}, monitorSettingsFor(mill('')), state),
    ).toThrow(/operating states|multivariate properties/);
  });
});
