import { recommendMaintenance, type RecommendationInput } from './recommend-maintenance';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 1);
const bearings = {
  action: 'replace spindle bearings',
  downtimeHours: 16,
  correctiveDowntimeHours: 40,
  leadHours: 72,
};
const life = (p10: number, p50 = p10 * 1.5, p90 = p10 * 2) => ({
  p10,
  p50,
  p90,
  beyond: { p10: false, p50: false, p90: false },
});
const input = (over: Partial<RecommendationInput>): RecommendationInput => ({
  now: NOW,
  life: life(1000),
  healthIndex: 90,
  worstBand: 'normal',
  worstOpenAnomaly: undefined,
  spec: bearings,
  ...over,
});

describe('maintenance recommendations', () => {
  it.each([
    [1000, 'low'],
    [16 + 3 * 72, 'medium'],
    [16 + 72, 'high'],
    [16, 'critical'],
  ])('with the early end of life %d h away a bearing job is %s priority', (p10, priority) => {
    expect(recommendMaintenance(input({ life: life(p10) })).priority).toBe(priority);
  });

  it('recommends a window that ends early enough to finish the job before the early end of life', () => {
    const r = recommendMaintenance(input({ life: life(100) }));
    expect(r).toMatchObject({
      type: 'preventive',
      action: 'replace spindle bearings',
      downtimeHours: 16,
    });
    expect(r.window.to).toBe(NOW + 84 * HOUR);
    expect(r.window.from).toBe(NOW + 63 * HOUR);
    expect(r.window.to + r.downtimeHours * HOUR).toBeLessThanOrEqual(NOW + 100 * HOUR);
  });

  it('calls a failed component corrective and critical, with the corrective downtime, to start now', () => {
    const r = recommendMaintenance(
      input({ worstBand: 'failure', healthIndex: 0, life: life(0, 0, 2) }),
    );
    expect(r).toMatchObject({
      type: 'corrective',
      priority: 'critical',
      downtimeHours: 40,
      window: { from: NOW, to: NOW },
    });
  });

  it('brings the window within reach when a band or an anomaly raised the priority', () => {
    const far = recommendMaintenance(input({ life: life(5_000), worstOpenAnomaly: 'critical' }));
    expect(far.priority).toBe('high');
    // Within the 72 h planning lead of a bearing job, not 5,000 h away.
    expect(far.window.to).toBe(NOW + 72 * HOUR);
    expect(far.window.from).toBe(NOW + 54 * HOUR);
    const calm = recommendMaintenance(input({ life: life(5_000) }));
    expect(calm.priority).toBe('low');
    expect(calm.window.to).toBe(NOW + (5_000 - 16) * HOUR);
  });

  it('raises the priority for a level in its alarm band or an open critical anomaly, saying why', () => {
    const alarm = recommendMaintenance(input({ worstBand: 'alarm' }));
    expect(alarm.priority).toBe('high');
    expect(alarm.reasons).toContain('a reading is in its alarm band');
    expect(recommendMaintenance(input({ worstOpenAnomaly: 'critical' })).priority).toBe('high');
    expect(recommendMaintenance(input({ worstOpenAnomaly: 'alarm' })).priority).toBe('high');
    expect(recommendMaintenance(input({ worstOpenAnomaly: 'warning' })).priority).toBe('medium');
  });

  it('falls back to an inspection planned a day ahead when the model says nothing', () => {
    const r = recommendMaintenance(input({ spec: undefined, life: life(20) }));
    expect(r).toMatchObject({ action: 'inspect and service', downtimeHours: 1, priority: 'high' });
  });
});
