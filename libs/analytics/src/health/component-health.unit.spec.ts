import { ComponentHealthModel } from './component-health';
import {
  DEFAULT_COMPONENT_HEALTH,
  type ComponentHealthSettings,
} from './component-health-settings';
import type { HealthAssessment } from './health-assessment';
import {
  degradingBearing,
  HOUR_MS,
  seededNormal,
  T0,
  VIBRATION_LIMITS,
} from './testing-degradation';

const BEARINGS = { action: 'replace spindle bearings', downtimeHours: 16, leadHours: 72 };

/** Runs readings through a model, collecting every checkpoint's assessment. */
function run(
  model: ComponentHealthModel,
  readings: Parameters<ComponentHealthModel['observe']>[0],
) {
  const out: HealthAssessment[] = [];
  for (const r of readings) {
    model.observe([r]);
    if (model.due()) out.push(model.checkpoint()!);
  }
  return out;
}

describe('a component health model', () => {
  it.each([1, 2, 3])(
    'predicts a synthetic bearing with a known end of life within its band, the band closing as it nears (seed %i)',
    (seed) => {
      const { readings, endOfLifeHours } = degradingBearing({
        onsetHours: 200,
        rate: 0.05,
        seed,
        everyHours: 1 / 6,
      });
      const checkpoints = run(
        new ComponentHealthModel('spindle-1', VIBRATION_LIMITS, BEARINGS),
        readings,
      );
      const left = (a: HealthAssessment) => endOfLifeHours - (a.at - T0) / HOUR_MS;
      const predicted = checkpoints.filter((a) => !a.life.beyond.p50);
      // Predictions start after the onset, tens of hours ahead, and are never made while healthy.
      expect(left(predicted[0]!)).toBeGreaterThan(24);
      expect(left(predicted[0]!)).toBeLessThan(endOfLifeHours - 200);
      const covered = predicted.filter((a) => a.life.p10 <= left(a) && left(a) <= a.life.p90);
      expect(covered.length / predicted.length).toBeGreaterThanOrEqual(0.8);
      const widthAt = (hoursLeft: number) => {
        const a = predicted.find((p) => left(p) <= hoursLeft)!;
        return a.life.p90 - a.life.p10;
      };
      expect(widthAt(5)).toBeLessThan(widthAt(20) * 0.7);
      expect(widthAt(20)).toBeLessThan(widthAt(35));
      // The health index falls from 100 to near 0; the recommendation escalates to critical.
      expect(checkpoints[10]!.healthIndex).toBeGreaterThan(95);
      expect(checkpoints[checkpoints.length - 1]!.healthIndex).toBeLessThan(25);
      expect(predicted[predicted.length - 1]!.recommendation).toMatchObject({
        priority: 'critical',
        action: 'replace spindle bearings',
      });
      expect(predicted[predicted.length - 1]!.features[0]).toMatchObject({
        property: 'vibration',
        model: 'exponential',
      });
    },
  );

  it('predicts linear tool wear: the median within 10 % of the truth half-way through life', () => {
    const limits = {
      tool_wear: { normal: { low: 0, high: 0.6 }, alarm: { high: 0.9 }, failure: { high: 1 } },
    };
    const noise = seededNormal(4);
    const readings = Array.from({ length: 240 }, (_, i) => ({
      property: 'tool_wear',
      value: (i / 240) * (1 + 0.01 * noise()),
      at: T0 + i * 30_000,
    }));
    const tool = { action: 'replace cutting tool', downtimeHours: 0.25, leadHours: 0.5 };
    const checkpoints = run(
      new ComponentHealthModel('tool-1', limits, tool, defaultsWith(60)),
      readings,
    );
    const half = checkpoints.find((a) => a.at >= T0 + 3600_000)!;
    expect(half.life.p50).toBeGreaterThan(0.9);
    expect(half.life.p50).toBeLessThan(1.1);
    expect(half.model).toBe('linear-degradation');
    expect(half.recommendation.downtimeHours).toBe(0.25);
  });

  it("reads the band at the type's own scores when its model declares them, not the fleet's", () => {
    const limits = {
      tool_wear: { normal: { low: 0, high: 0.6 }, alarm: { high: 0.9 }, failure: { high: 1 } },
    };
    const noise = seededNormal(5);
    const readings = Array.from({ length: 240 }, (_, i) => ({
      property: 'tool_wear',
      value: (i / 240) * (1 + 0.02 * noise()),
      at: T0 + i * 30_000,
    }));
    const tool = { action: 'replace cutting tool', downtimeHours: 0.25, leadHours: 0.5 };
    const at = (bandScores?: { low: number; mid: number; high: number }) =>
      run(
        new ComponentHealthModel(
          'tool-1',
          limits,
          { ...tool, ...(bandScores ? { bandScores } : {}) },
          defaultsWith(60),
        ),
        readings,
      ).find((a) => a.at >= T0 + 3600_000)!.life;
    const fleet = at();
    const own = at({ low: -1.28, mid: 0, high: 1.28 });
    // The same median; the type's own (narrower) band inside the fleet default's.
    expect(own.p50).toBeCloseTo(fleet.p50, 6);
    expect(own.p10).toBeGreaterThan(fleet.p10);
    expect(own.p90).toBeLessThan(fleet.p90);
    expect(own.p10).toBeLessThan(own.p50);
  });

  it('raises no alarm on a healthy signal that wanders (no remaining life within the horizon, priority low)', () => {
    const noise = seededNormal(9);
    let wander = 0;
    const readings = Array.from({ length: 6 * 1000 }, (_, i) => {
      wander = 0.995 * wander + 0.01 * noise();
      return {
        property: 'vibration',
        value: 1.5 * (1 + 0.05 * noise() + wander),
        at: T0 + i * 600_000,
      };
    });
    const checkpoints = run(
      new ComponentHealthModel('spindle-2', VIBRATION_LIMITS, BEARINGS),
      readings,
    );
    expect(checkpoints.length).toBeGreaterThan(5000);
    expect(checkpoints.filter((a) => !a.life.beyond.p10)).toEqual([]);
    expect(new Set(checkpoints.map((a) => a.recommendation.priority))).toEqual(new Set(['low']));
  });

  it('is reset by a part replacement, whether it arrives before or after the readings that follow it', () => {
    const { readings } = degradingBearing({
      onsetHours: 10,
      rate: 0.1,
      seed: 5,
      everyHours: 1 / 6,
    });
    const worn = readings.slice(0, readings.length - 10);
    const replacedAt = worn[worn.length - 1]!.at + HOUR_MS;
    const fresh = Array.from({ length: 30 }, (_, i) => ({
      property: 'vibration',
      value: 1.4,
      at: replacedAt + i * 600_000,
    }));
    const late = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS);
    run(late, worn);
    expect(late.assess()!.healthIndex).toBeLessThan(60);
    run(late, fresh);
    late.maintained({ kind: 'part-replaced', at: replacedAt, resets: [] });
    expect(late.due()).toBe(true);
    const early = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS);
    run(early, worn);
    early.maintained({ kind: 'part-replaced', at: replacedAt, resets: [] });
    run(early, fresh);
    for (const model of [late, early]) {
      const a = model.assess()!;
      expect(a.healthIndex).toBe(100);
      expect(a.life.beyond.p10).toBe(true);
      expect(a.features[0]!.baseline).toBeCloseTo(1.4, 5);
    }
    // An inspection changes nothing.
    const inspected = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS);
    run(inspected, worn);
    const before = inspected.assess()!.healthIndex;
    inspected.maintained({ kind: 'inspection', at: worn[worn.length - 1]!.at, resets: [] });
    expect(inspected.assess()!.healthIndex).toBe(before);
  });

  it('predicts once per checkpoint interval of event time, and at once when a level enters a worse band', () => {
    const model = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS, defaultsWith(300));
    const at = (s: number) => T0 + s * 1000;
    const due = (value: number, s: number) => {
      model.observe([{ property: 'vibration', value, at: at(s) }]);
      const d = model.due();
      if (d) model.checkpoint();
      return d;
    };
    expect([due(1.5, 0), due(1.5, 10), due(1.5, 299), due(1.5, 300), due(1.5, 310)]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    // The smoothed level (three newest buckets: 1.5, 6, 6) reaches warning (4.5) at the second high reading.
    expect([due(6, 360), due(6, 420), due(6, 480), due(6, 540)]).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('takes open anomalies off the index and raises the priority; closed ones fade', () => {
    const model = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS);
    run(
      model,
      Array.from({ length: 20 }, (_, i) => ({
        property: 'vibration',
        value: 1.5,
        at: T0 + i * 60_000,
      })),
    );
    model.anomalyDetected('e-1', 'critical', T0 + 5 * 60_000);
    expect(model.assess()).toMatchObject({
      healthIndex: 80,
      anomalies: { open: 1, worstOpen: 'critical' },
    });
    expect(model.assess()!.recommendation.priority).toBe('high');
    model.anomalyCleared('e-1', T0 + 10 * 60_000);
    run(model, [{ property: 'vibration', value: 1.5, at: T0 + 24 * HOUR_MS + 10 * 60_000 }]);
    expect(model.assess()).toMatchObject({ healthIndex: 90, anomalies: { open: 0, penalty: 10 } });
  });

  it('makes the same predictions whether an anomaly arrives before or after its readings, and the next checkpoint reflects it', () => {
    // The anomaly service's episodes reach the model on another stream, before or after the
    // readings of their time: the predictions (ids = event times) must not depend on which.
    const readings = Array.from({ length: 100 }, (_, i) => ({
      property: 'vibration',
      value: 1.5,
      at: T0 + i * 60_000,
    }));
    const episode = [
      'e-1',
      'critical',
      T0 + 5 * 60_000,
      { detector: 'limits', properties: ['vibration'] },
    ] as const;
    const early = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS, defaultsWith(3600));
    early.anomalyDetected(...episode);
    const earlyPoints = run(early, readings);
    const late = new ComponentHealthModel('s', VIBRATION_LIMITS, BEARINGS, defaultsWith(3600));
    const latePoints = [...run(late, readings.slice(0, 30))];
    late.anomalyDetected(...episode);
    latePoints.push(...run(late, readings.slice(30)));
    expect(latePoints.map((a) => a.at)).toEqual(earlyPoints.map((a) => a.at));
    expect(earlyPoints.map((a) => a.at)).toEqual([T0, T0 + 60 * 60_000]);
    expect(earlyPoints[1]).toMatchObject({ anomalies: { open: 1, worstOpen: 'critical' } });
    expect(latePoints[1]).toMatchObject({ anomalies: { open: 1, worstOpen: 'critical' } });
  });
});

function defaultsWith(checkpointSeconds: number): ComponentHealthSettings {
  return { ...DEFAULT_COMPONENT_HEALTH, checkpointSeconds };
}

describe('the trend onset of a component type (maintenance.trendOnset)', () => {
  const TOOL_LIMITS = {
    tool_wear: {
      normal: { low: 0, high: 0.6 },
      warning: { high: 0.8 },
      alarm: { high: 0.9 },
      failure: { high: 1 },
    },
  };
  // A tool wearing linearly to its limit over 10 h, read every minute.
  const readings = Array.from({ length: 600 }, (_, i) => ({
    property: 'tool_wear',
    value: 0.01 + (0.99 * i) / 600,
    at: T0 + i * 60_000,
  }));
  const firstFinite = (onset: number | undefined) => {
    const spec = { action: 'replace cutting tool', downtimeHours: 0.25, leadHours: 0.5 };
    const model = new ComponentHealthModel(
      'tool-1',
      TOOL_LIMITS,
      onset === undefined ? spec : { ...spec, trendOnset: onset },
    );
    const first = run(model, readings).find((a) => !a.life.beyond.p50);
    return first === undefined ? Infinity : (first.at - T0) / HOUR_MS;
  };

  it('lets a direct wear measurement be extrapolated earlier than the default', () => {
    const byDefault = firstFinite(undefined);
    const early = firstFinite(0.05);
    // 20 % of the way takes about 2 h of the 10; 5 % about half an hour (plus the fit's minimum).
    expect(byDefault).toBeGreaterThan(1.9);
    expect(byDefault).toBeLessThan(3);
    expect(early).toBeLessThan(1);
  });
});
