import type { MaintenancePriority } from '@twinlog/domain';
import fc from 'fast-check';
import { ComponentHealthModel } from './component-health';
import { DEFAULT_COMPONENT_HEALTH } from './component-health-settings';
import type { HealthAssessment } from './health-assessment';
import { recommendMaintenance, type RecommendationInput } from './recommend-maintenance';
import { T0, TOOL_JOB, TOOL_LIMITS } from './testing-degradation';

// What a maintenance planner would call absurd, as rules over generated component states: an
// open anomaly, the limit state, the health index, the remaining life and the priority must
// never contradict one another.

const ORDER: MaintenancePriority[] = ['low', 'medium', 'high', 'critical'];
const atLeast = (p: MaintenancePriority, floor: MaintenancePriority) =>
  ORDER.indexOf(p) >= ORDER.indexOf(floor);
const HOUR = 3_600_000;

describe('the demo answer: a cutting tool past its limit', () => {
  /** A pre-worn tool, first seen at 0.45, wearing 0.015 a minute, a reading every 10 s. */
  function wornTool(minutes: number) {
    const model = new ComponentHealthModel('tool-2', TOOL_LIMITS, TOOL_JOB, {
      ...DEFAULT_COMPONENT_HEALTH,
      checkpointSeconds: 300,
    });
    const out: HealthAssessment[] = [];
    let crossedAt: number | undefined;
    for (let s = 0; s <= minutes * 60; s += 10) {
      const at = T0 + s * 1000;
      const value = 0.45 + (0.015 * s) / 60;
      // The anomaly service's limits detector opens an episode at the first reading past normal.
      if (value > 0.6 && crossedAt === undefined) {
        crossedAt = at;
        model.anomalyDetected('ep-1', 'warning', at, {
          detector: 'limits',
          properties: ['tool_wear'],
        });
      }
      model.observe([{ property: 'tool_wear', value, at }]);
      if (model.due()) out.push(model.checkpoint()!);
    }
    return { out, crossedAt: crossedAt! };
  }

  it('is never "beyond the horizon", low priority or nine months away once its wear crossed a limit', () => {
    // Crosses 0.6 at 10 min, before the healthy reference (12 one-minute buckets) is learned;
    // the checkpoint at 15 min is the first prediction after it.
    const { out, crossedAt } = wornTool(16);
    const after = out.filter((a) => a.at >= crossedAt);
    expect(after.length).toBeGreaterThan(0);
    for (const a of after) {
      expect(a.life.beyond.p50).toBe(false);
      expect(a.model).not.toBe('no-trend');
      expect(atLeast(a.recommendation.priority, 'medium')).toBe(true);
      expect(a.recommendation.window.to).toBeLessThanOrEqual(a.at + 3 * TOOL_JOB.leadHours * HOUR);
    }
  });

  it('has no life left, corrective and critical now, once a limits anomaly says it reached the failure limit', () => {
    const model = new ComponentHealthModel('tool-2', TOOL_LIMITS, TOOL_JOB);
    for (let s = 0; s <= 600; s += 10) {
      model.observe([{ property: 'tool_wear', value: 0.7 + (0.2 * s) / 600, at: T0 + s * 1000 }]);
    }
    // A reading of 1.02 between the ones this worker saw: the smoothed level is still 0.9.
    model.anomalyDetected('ep-2', 'critical', T0 + 600_000, {
      detector: 'limits',
      properties: ['tool_wear'],
    });
    const a = model.assess()!;
    expect(a.life).toEqual({
      p10: 0,
      p50: 0,
      p90: 0,
      beyond: { p10: false, p50: false, p90: false },
    });
    expect(a.healthIndex).toBe(0);
    expect(a.recommendation).toMatchObject({
      priority: 'critical',
      type: 'corrective',
      window: { from: a.at, to: a.at },
    });
  });
});

const BANDS = ['normal', 'warning', 'alarm', 'failure'] as const;
const SEVERITIES = ['info', 'warning', 'alarm', 'critical'] as const;
const BAND_FLOOR = {
  normal: 'low',
  warning: 'medium',
  alarm: 'high',
  failure: 'critical',
} as const;
const ANOMALY_FLOOR = { info: 'low', warning: 'medium', alarm: 'high', critical: 'high' } as const;

type JobInput = RecommendationInput & { spec: { downtimeHours: number; leadHours: number } };

const recommendationInput: fc.Arbitrary<JobInput> = fc
  .record({
    lives: fc.array(fc.double({ min: 0, max: 9000, noNaN: true }), { minLength: 3, maxLength: 3 }),
    horizonCut: fc.boolean(),
    healthIndex: fc.double({ min: 0, max: 100, noNaN: true }),
    worstBand: fc.constantFrom(...BANDS),
    pastThreshold: fc.boolean(),
    worstOpenAnomaly: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
    downtimeHours: fc.double({ min: 0.1, max: 50, noNaN: true }),
    leadHours: fc.double({ min: 0.1, max: 200, noNaN: true }),
  })
  .map(({ lives, horizonCut, downtimeHours, leadHours, ...rest }) => {
    const [p10, p50, p90] = [...lives].sort((a, b) => a - b) as [number, number, number];
    const horizon = 8760;
    const beyond = horizonCut
      ? { p10: false, p50: false, p90: true }
      : { p10: false, p50: false, p90: false };
    return {
      now: T0,
      life: { p10, p50, p90: beyond.p90 ? horizon : p90, beyond },
      spec: { action: 'service', downtimeHours, leadHours },
      ...rest,
    };
  });

describe('a recommendation never contradicts its evidence (property)', () => {
  it('holds the planner rules for any remaining life, limit state, anomaly and health index', () => {
    fc.assert(
      fc.property(recommendationInput, (input) => {
        const r = recommendMaintenance(input);
        const { life, now, spec } = input;
        const failed = input.pastThreshold || input.worstBand === 'failure' || life.p50 === 0;
        // A window is a window: it starts now or later and ends no earlier than it starts.
        expect(r.window.from).toBeGreaterThanOrEqual(now);
        expect(r.window.to).toBeGreaterThanOrEqual(r.window.from);
        if (failed) {
          expect(r).toMatchObject({ priority: 'critical', type: 'corrective' });
          expect(r.window).toEqual({ from: now, to: now });
          return;
        }
        expect(r.type).toBe('preventive');
        // The limit state, an open anomaly and a poor health index each set a least priority.
        expect(atLeast(r.priority, BAND_FLOOR[input.worstBand])).toBe(true);
        if (input.worstOpenAnomaly) {
          expect(atLeast(r.priority, ANOMALY_FLOOR[input.worstOpenAnomaly])).toBe(true);
        }
        if (input.healthIndex <= 25) expect(atLeast(r.priority, 'high')).toBe(true);
        if (input.healthIndex <= 50) expect(atLeast(r.priority, 'medium')).toBe(true);
        // The remaining life sets one too: an early end of life within the job, the lead, three leads.
        const slack = life.p10 - spec.downtimeHours;
        if (slack <= 0) expect(r.priority).toBe('critical');
        if (slack <= spec.leadHours) expect(atLeast(r.priority, 'high')).toBe(true);
        if (slack <= 3 * spec.leadHours) expect(atLeast(r.priority, 'medium')).toBe(true);
        // The window is within the priority's reach and ends early enough to finish in time.
        const reach = {
          critical: 0,
          high: spec.leadHours,
          medium: 3 * spec.leadHours,
          low: Infinity,
        };
        expect(r.window.to).toBeLessThanOrEqual(now + reach[r.priority] * HOUR + 1e-6);
        expect(r.window.to).toBeLessThanOrEqual(now + Math.max(0, slack) * HOUR + 1e-6);
      }),
      { numRuns: 2000 },
    );
  });
});

/** A component state: a wear path with noise, maybe a replacement, anomalies as a detector opens them. */
type ComponentHistory = typeof componentHistory extends fc.Arbitrary<infer T> ? T : never;
const componentHistory = fc.record({
  start: fc.double({ min: 0, max: 0.7, noNaN: true }),
  ratePerMinute: fc.double({ min: -0.002, max: 0.03, noNaN: true }),
  noise: fc.double({ min: 0, max: 0.03, noNaN: true }),
  minutes: fc.integer({ min: 2, max: 90 }),
  everySeconds: fc.constantFrom(10, 30, 60),
  replacedAtMinute: fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
  multivariate: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

function assessAfter(h: ComponentHistory) {
  const model = new ComponentHealthModel('tool', TOOL_LIMITS, TOOL_JOB);
  let s = h.seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  let openBand = 'normal';
  let episodes = 0;
  let wear = h.start;
  for (let t = 0; t <= h.minutes * 60; t += h.everySeconds) {
    const at = T0 + t * 1000;
    if (h.replacedAtMinute !== undefined && t === h.replacedAtMinute * 60) {
      wear = 0.01;
      model.maintained({ kind: 'tool-replaced', at, resets: ['tool_wear'] });
    }
    wear = Math.max(0, wear + (h.ratePerMinute * h.everySeconds) / 60);
    const value = Math.max(0, wear + h.noise * (uniform() - 0.5));
    const band =
      value >= 1 ? 'failure' : value >= 0.9 ? 'alarm' : value > 0.6 ? 'warning' : 'normal';
    if (band !== openBand) {
      if (openBand !== 'normal') model.anomalyCleared(`limits-${episodes}`, at);
      if (band !== 'normal') {
        episodes += 1;
        const severity = band === 'failure' ? 'critical' : band;
        model.anomalyDetected(`limits-${episodes}`, severity, at, {
          detector: 'limits',
          properties: ['tool_wear'],
        });
      }
      openBand = band;
    }
    model.observe([{ property: 'tool_wear', value, at }]);
  }
  if (h.multivariate) {
    model.anomalyDetected('mv-1', h.multivariate, T0 + h.minutes * 60_000, {
      detector: 'multivariate',
      properties: ['tool_wear'],
    });
  }
  return { a: model.assess()!, openBand };
}

describe('an assessment never contradicts itself (property)', () => {
  it('keeps its band ordered, its limit state, anomalies, health, life and priority in agreement', () => {
    fc.assert(
      fc.property(componentHistory, (h) => {
        const { a, openBand } = assessAfter(h);
        const { life, recommendation: r } = a;
        // A band: P10 <= P50 <= P90 within the horizon; "beyond" only from the late end inwards.
        expect(life.p10).toBeLessThanOrEqual(life.p50);
        expect(life.p50).toBeLessThanOrEqual(life.p90);
        expect(life.p90).toBeLessThanOrEqual(DEFAULT_COMPONENT_HEALTH.horizonHours);
        if (life.beyond.p10) expect(life.beyond.p50).toBe(true);
        if (life.beyond.p50) expect(life.beyond.p90).toBe(true);
        const wear = a.features[0]!;
        // At or past the failure limit (the level, or an open limits episode): no life, now.
        if (wear.value >= 1 || openBand === 'failure') {
          expect(life.p90).toBe(0);
          expect(a.healthIndex).toBe(0);
          expect(r).toMatchObject({ priority: 'critical', type: 'corrective' });
        }
        // Past a limit (an open limits episode): never "no degradation trend to extrapolate",
        // never low. (Beyond the horizon only by a law that says so: a trend too slow to reach
        // the threshold in a year.) A smoothed level past normal: never low either.
        if (openBand !== 'normal') {
          expect(a.model).not.toBe('no-trend');
          if (life.beyond.p50) expect(wear.trendPerHour).toBeLessThan(0.4 / 8760);
        }
        if (openBand !== 'normal' || a.worstBand !== 'normal') expect(r.priority).not.toBe('low');
        if (a.anomalies.worstOpen === 'critical' || a.anomalies.worstOpen === 'alarm') {
          expect(atLeast(r.priority, 'high')).toBe(true);
        }
        if (a.healthIndex <= 25) expect(atLeast(r.priority, 'high')).toBe(true);
        // Low priority only for a healthy-looking component with time to spare.
        if (r.priority === 'low') {
          expect(a.worstBand).toBe('normal');
          expect(a.healthIndex).toBeGreaterThan(50);
          expect(life.p10 - r.downtimeHours).toBeGreaterThan(3 * TOOL_JOB.leadHours);
        }
        expect(r.window.from).toBeGreaterThanOrEqual(a.at);
        expect(r.window.to).toBeGreaterThanOrEqual(r.window.from);
      }),
      { numRuns: 300 },
    );
  });
});
