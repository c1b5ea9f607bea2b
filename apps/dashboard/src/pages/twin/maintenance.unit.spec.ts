import type { MaintenancePrediction } from '@twinlog/domain';
import { healthSeries, recommendationText, rulChart } from './maintenance';
import { whatText, whoText } from './audit-text';

const prediction = (
  at: string,
  health: number,
): MaintenancePrediction & { eventId: string; predictedAt: string } => ({
  eventId: at,
  predictedAt: at,
  healthIndex: health,
  rulHours: 14,
  rulLowHours: 8,
  rulHighHours: 25,
  basis: 'tool_wear',
  model: 'linear',
  priority: 'high',
  window: { from: at, to: at },
  action: 'replace the tool',
});

describe('health over time and the recommendation', () => {
  it('orders predictions by time and drops unparseable ones', () => {
    const s = healthSeries([
      prediction('2026-12-06T11:00:00Z', 70),
      prediction('2026-12-06T10:00:00Z', 80),
      prediction('not a time', 1),
    ]);
    expect(s.health).toEqual([80, 70]);
    expect(s.rulLow).toEqual([8, 8]);
    expect(s.times).toEqual([
      Date.parse('2026-12-06T10:00:00Z'),
      Date.parse('2026-12-06T11:00:00Z'),
    ]);
  });

  it('says the recommendation with the RUL band', () => {
    expect(recommendationText(prediction('2026-12-06T10:00:00Z', 72.44))).toBe(
      'high priority: replace the tool; health 72.44 / 100, remaining life 14 h (8–25 h), based on tool_wear.',
    );
  });
});

describe('the remaining-useful-life chart', () => {
  it('shades the band between P10 and P90 around the median line, and says so in words', () => {
    const s = healthSeries([
      prediction('2026-12-06T10:00:00Z', 80),
      { ...prediction('2026-12-06T11:00:00Z', 70), rulHours: 10, rulLowHours: 6, rulHighHours: 15 },
    ]);
    const chart = rulChart(s, 'over an hour');
    const [high, low] = [chart.series[chart.bands[0]!.high]!, chart.series[chart.bands[0]!.low]!];
    expect([high.label, high.values, high.edge]).toEqual(['P90', [25, 15], true]);
    expect([low.label, low.values, low.edge]).toEqual(['P10', [8, 6], true]);
    expect(chart.series[0]).toMatchObject({ label: 'median (P50)', values: [14, 10] });
    expect(chart.summary).toBe(
      '2 predictions over an hour; latest remaining life 10 h (median), shaded band from P10 to P90 6–15 h; first 14 h (median), shaded band from P10 to P90 8–25 h.',
    );
    const beyond = healthSeries([
      { ...prediction('2026-12-06T10:00:00Z', 100), rulHours: 8760, beyondHorizon: true },
    ]);
    expect(rulChart(beyond, 'at 10:00').summary).toBe(
      "1 prediction at 10:00; latest remaining life no failure expected within 8760 h (the model's horizon).",
    );
    expect(rulChart(healthSeries([]), '').summary).toBe('No predictions yet.');
  });
});

describe('the audit trail says who did what', () => {
  it('names the caller, or the service that acted on its own', () => {
    const base = { producer: 'twin-state', data: {} };
    expect(whoText({ ...base, type: 'X', actor: 'key:ops-1' })).toBe('key:ops-1');
    expect(whoText({ ...base, type: 'X', actor: null })).toBe('twin-state (automatic)');
    expect(
      whatText({
        ...base,
        actor: 'key:ops-1',
        type: 'MaintenancePerformed',
        data: { kind: 'tool-replaced', resets: ['tool_wear'], notes: 'new insert' },
      }),
    ).toBe('maintenance: tool-replaced, reset tool_wear (“new insert”)');
    expect(
      whatText({
        ...base,
        actor: null,
        type: 'AlertAssigned',
        data: { alertId: 'a1', assignee: 'ana' },
      }),
    ).toBe('alert a1 assigned to ana');
    expect(whatText({ ...base, actor: null, type: 'Weird', data: null })).toBe('Weird');
  });
});
