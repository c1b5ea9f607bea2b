import { ComponentHealthModel } from './component-health';
import type { HealthAssessment } from './health-assessment';
import { DegradationTrack } from './degradation-track';
import { healthIndicators } from './health-indicators';
import { atThreshold } from './past-limit';
import { HOUR_MS, T0, TOOL_JOB, TOOL_LIMITS, VIBRATION_LIMITS } from './testing-degradation';

// Issue 23: which limit a crossing passed decides what it means. Past the failure limit (the
// threshold; the alarm limit for a model without one) the part has no life left; short of it,
// the remaining life says how soon it is due.

const BEARING_JOB = { action: 'replace bearing', downtimeHours: 16, leadHours: 72 };
const limitsOn = (property: string) => ({ detector: 'limits', properties: [property] });

describe('which limit a crossing passed (pure)', () => {
  const [tool] = healthIndicators(TOOL_LIMITS);
  const [alarmOnly] = healthIndicators({ pressure: { normal: { high: 8 }, alarm: { high: 10 } } });

  it('only the failure limit is the threshold, or the alarm limit for a model without one', () => {
    expect([tool!.threshold, tool!.thresholdLevel]).toEqual([1, 'failure']);
    expect(atThreshold(tool!, 'warning')).toBe(false);
    expect(atThreshold(tool!, 'alarm')).toBe(false);
    expect(atThreshold(tool!, 'failure')).toBe(true);
    // Without a failure limit the alarm limit is the threshold.
    expect([alarmOnly!.thresholdLevel, atThreshold(alarmOnly!, 'alarm')]).toEqual(['alarm', true]);
    expect(atThreshold(alarmOnly!, 'warning')).toBe(false);
  });

  it('a tool whose limits episode says warning has not failed now; one that says failure has', () => {
    const track = new DegradationTrack(tool!);
    for (let s = 0; s <= 600; s += 10) track.observe(T0 + s * 1000, 0.55 + (0.06 * s) / 600);
    const warned = track.state(tool, 'warning')!;
    expect(warned).toMatchObject({ limitBand: 'warning', pastThreshold: false });
    expect(warned.failedBy(0)).toBe(0);
    const failed = track.state(tool, 'failure')!;
    expect(failed).toMatchObject({ limitBand: 'failure', pastThreshold: true });
    expect(failed.failedBy(0)).toBe(1);
  });
});

describe("the demo's cnc-02 tool: tool changes missed, its wear past the edge of normal", () => {
  // As the demo ran it: about 0.5 when the changes stopped, wearing 1.3 an hour, a reading a
  // second; the limits episode opened at 0.6016 with severity warning (the edge of normal).
  /** `failure`: how the failure limit's crossing is told (a new episode, or the open one raised). */
  function missedToolChange(upTo: number, failure: 'untold' | 'new-episode' | 'raised' = 'untold') {
    let failureEpisode = failure !== 'untold';
    const model = new ComponentHealthModel('cnc-02-tool', TOOL_LIMITS, TOOL_JOB);
    const out: Array<{ wear: number; a: HealthAssessment }> = [];
    let opened = false;
    for (let s = 0; ; s += 1) {
      const at = T0 + s * 1000;
      const wear = 0.5 + (1.3 * s) / 3600;
      if (wear > upTo) break;
      if (!opened && wear > 0.6) {
        opened = true;
        model.anomalyDetected('ep-warning', 'warning', at, limitsOn('tool_wear'));
      }
      if (failureEpisode && wear >= 1) {
        failureEpisode = false;
        if (failure === 'raised') model.anomalyEscalated('ep-warning', 'critical', at);
        else model.anomalyDetected('ep-critical', 'critical', at, limitsOn('tool_wear'));
      }
      model.observe([{ property: 'tool_wear', value: wear, at }]);
      if (model.due()) out.push({ wear, a: model.checkpoint()! });
    }
    return { out, model };
  }

  it('is never "at its failure threshold" while only the warning line is crossed: life left, preventive', () => {
    const after = missedToolChange(0.89).out.filter(({ wear }) => wear > 0.6);
    expect(after.length).toBeGreaterThan(2);
    for (const { wear, a } of after) {
      expect(a.model).not.toBe('threshold-reached');
      expect(a.life.p50).toBeGreaterThan(0);
      expect(a.recommendation.type).toBe('preventive');
      expect(a.recommendation.reasons).not.toContain('at its failure threshold');
      // Critical only when the life says the job would not be done in time (the truth here,
      // (1 - wear) / 1.3 h, is within the 0.25 h job from wear 0.675 on).
      if (a.recommendation.priority === 'critical')
        expect(a.recommendation.reasons[0]).toMatch(/^early end of life .* is within the .* job$/);
      if (wear < 0.8) expect(a.healthIndex).toBeGreaterThan(0);
    }
  });

  it('at its failure limit: no life left, corrective, critical, now', () => {
    // A reading of 1.0 opened a critical limits episode; the smoothed level is just short of it.
    const a = missedToolChange(1.005, 'new-episode').model.assess()!;
    expect(a).toMatchObject({ model: 'threshold-reached', healthIndex: 0 });
    expect(a.life).toMatchObject({ p10: 0, p50: 0, p90: 0 });
    expect(a.recommendation).toMatchObject({
      priority: 'critical',
      type: 'corrective',
      window: { from: a.at, to: a.at },
    });
  });

  it('the same when its warning episode is raised to critical there (AnomalyEscalated)', () => {
    const { model } = missedToolChange(1.005, 'raised');
    const a = model.assess()!;
    expect(a).toMatchObject({ model: 'threshold-reached', healthIndex: 0 });
    expect(a.recommendation).toMatchObject({ priority: 'critical', type: 'corrective' });
    // Judged by event time: before the raise the episode still said warning.
    expect(missedToolChange(0.99, 'raised').model.assess()!.model).not.toBe('threshold-reached');
  });
});

describe('a limit crossed with no trend (the mean-rate fallback)', () => {
  /** A bearing at 1.5 mm/s for 200 h that steps to 3.0 and stays: past only the edge of normal. */
  function steppedBearing() {
    const model = new ComponentHealthModel('bearing', VIBRATION_LIMITS, BEARING_JOB);
    for (let h = 0; h <= 400; h += 1) {
      const at = T0 + h * HOUR_MS;
      if (h === 200) model.anomalyDetected('ep', 'warning', at, limitsOn('vibration'));
      const value = (h < 200 ? 1.5 : 3.0) + 0.02 * Math.sin(h);
      model.observe([{ property: 'vibration', value, at }]);
    }
    return model.assess()!;
  }

  it('its early end is now even past only the warning line: critical, not work that ends after the failure', () => {
    // Tried and dropped: an early end for a warning crossing at the calibrated level; on IMS it
    // made advice finishing after the bearing failed rise from 33 % to 56 % (BENCHMARKS.md).
    const a = steppedBearing();
    expect(a).toMatchObject({ model: 'mean-rate-degradation', worstBand: 'warning' });
    expect(a.life.p10).toBe(0);
    expect(a.life.p50).toBeGreaterThan(BEARING_JOB.downtimeHours);
    expect(a.recommendation).toMatchObject({ priority: 'critical', type: 'preventive' });
    expect(a.recommendation.window.to).toBe(a.at);
  });
});

describe('a recovered component: the tool changed, its wear back to 0', () => {
  it.each([
    ['the episodes clear before the new tool is read', 0],
    ['the new tool is read before the episodes clear', 5],
  ])('is neither critical nor marked down for the worn tool (%s)', (_, clearAfter) => {
    const model = new ComponentHealthModel('tool', TOOL_LIMITS, TOOL_JOB);
    let s = 0;
    for (; s <= 1800; s += 1) {
      const at = T0 + s * 1000;
      const wear = 0.45 + (1.2 * s) / 3600;
      if (s === 500) model.anomalyDetected('w', 'warning', at, limitsOn('tool_wear'));
      if (s === 1650) model.anomalyDetected('f', 'critical', at, limitsOn('tool_wear'));
      model.observe([{ property: 'tool_wear', value: wear, at }]);
      if (model.due()) model.checkpoint();
    }
    expect(model.assess()!.recommendation.priority).toBe('critical');
    const changedAt = T0 + s * 1000;
    model.maintained({ kind: 'tool-replaced', at: changedAt, resets: ['tool_wear'] });
    const after: HealthAssessment[] = [];
    for (let k = 1; k <= 120; k++) {
      const at = changedAt + k * 1000;
      if (k === clearAfter + 1) ['w', 'f'].forEach((id) => model.anomalyCleared(id, at));
      model.observe([{ property: 'tool_wear', value: 0.01, at }]);
      if (model.due()) after.push(model.checkpoint()!);
    }
    // The replacement makes a prediction due at once: the new tool's, whatever is still open.
    expect(after.length).toBeGreaterThan(0);
    for (const a of after) {
      expect(a).toMatchObject({ model: 'no-trend', worstBand: 'normal', healthIndex: 100 });
      expect(a.anomalies.penalty).toBe(0);
      expect(a.recommendation.priority).toBe('low');
    }
  });

  it('still counts an episode that began after the change (the new tool past a limit)', () => {
    const model = new ComponentHealthModel('tool', TOOL_LIMITS, TOOL_JOB);
    model.observe([{ property: 'tool_wear', value: 0.5, at: T0 }]);
    model.maintained({ kind: 'tool-replaced', at: T0 + 1000, resets: ['tool_wear'] });
    model.observe([{ property: 'tool_wear', value: 0.01, at: T0 + 2000 }]);
    model.anomalyDetected('new', 'critical', T0 + 2000, limitsOn('tool_wear'));
    expect(model.assess()).toMatchObject({ model: 'threshold-reached', healthIndex: 0 });
  });
});
