import type { ComparisonResult, SimulationResult } from '../../api/simulation-types';
import { buildBandChart, chartProperty, chartSummary, durationText } from './band-series';

const run = (over: Partial<SimulationResult> = {}): SimulationResult => ({
  simulationId: 's',
  twinId: 'mill-1',
  label: null,
  startAt: '2026-12-06T10:00:00.000Z',
  horizonSeconds: 7_200,
  stepSeconds: 3_600,
  units: { temperature: '°C', tool_wear: '1' },
  trajectory: {
    times: [0, 3_600, 7_200],
    properties: { tool_wear: [0.1, 0.2, 0.3], temperature: [40, 60, 80] },
  },
  crossings: [],
  firstLimit: null,
  timeToFirstLimitSeconds: null,
  riskLevel: 'low',
  recommendations: [],
  uncertainty: null,
  ...over,
});

const crossing = {
  property: 'temperature',
  level: 'alarm' as const,
  bound: 'high' as const,
  limit: 70,
  atSeconds: 5_400,
  at: '2026-12-06T11:30:00.000Z',
};

const compared = (alternative: SimulationResult, base = run()): ComparisonResult => ({
  comparisonId: 'c',
  base: { ...base, trajectory: { ...base.trajectory, properties: { temperature: [40, 45, 50] } } },
  alternative,
  comparison: {
    verdict: 'base-better',
    reason: '',
    riskLevel: { base: 'low', alternative: 'high' },
    timeToFirstLimitSeconds: { base: null, alternative: 5_400 },
  },
});

describe('what-if band series', () => {
  it('draws the property asked for, else the first limit reached, else the first', () => {
    expect(chartProperty(run(), 'temperature')).toBe('temperature');
    expect(chartProperty(run(), 'nope')).toBe('tool_wear');
    expect(chartProperty(run({ firstLimit: crossing }), '')).toBe('temperature');
  });

  it('gives scenario, baseline, the band edges to fill between, and flat limit lines', () => {
    const alternative = run({
      crossings: [crossing],
      firstLimit: crossing,
      uncertainty: {
        samples: 100,
        seed: 7,
        bands: { temperature: { p5: [39, 55, 70], p50: [40, 60, 80], p95: [41, 65, 90] } },
        crossingProbabilities: [],
      },
    });
    const chart = buildBandChart(compared(alternative), 'temperature', {
      warning: { high: 60 },
      alarm: { high: 70, low: Number.NaN },
    });
    expect(chart.times).toEqual([
      Date.parse('2026-12-06T10:00:00Z'),
      Date.parse('2026-12-06T11:00:00Z'),
      Date.parse('2026-12-06T12:00:00Z'),
    ]);
    expect(chart.series.map((s) => s.role)).toEqual([
      'scenario',
      'baseline',
      'band-high',
      'band-low',
      'limit',
      'limit',
    ]);
    expect(chart.series[1]!.values).toEqual([40, 45, 50]);
    expect(chart.bands).toEqual([[2, 3]]);
    expect(chart.series[3]!.values).toEqual([39, 55, 70]);
    expect(chart.series[5]!.values).toEqual([70, 70, 70]);
    expect(chart.unit).toBe('°C');
    const text = chartSummary(chart, compared(alternative));
    expect(text).toContain('scenario ends at 80 °C');
    expect(text).toContain('between 70 °C and 90 °C');
    expect(text).toContain('alarm limit (70) after 1 h 30 min');
  });

  it('has no band without Monte Carlo, and gaps for values that are not numbers', () => {
    const alternative = run({
      trajectory: { times: [0, 3_600, 7_200], properties: { temperature: [40, Number.NaN, 80] } },
    });
    const chart = buildBandChart(compared(alternative), 'temperature', undefined);
    expect(chart.bands).toEqual([]);
    expect(chart.series.map((s) => s.role)).toEqual(['scenario', 'baseline']);
    expect(chart.series[0]!.values).toEqual([40, null, 80]);
    expect(chartSummary(chart, compared(alternative))).toContain('none of its limits');
  });

  it('aligns a baseline on another grid to the nearest earlier point', () => {
    const base = run({ trajectory: { times: [0, 7_200], properties: { temperature: [1, 2] } } });
    const c = compared(run(), base);
    c.base = base;
    expect(buildBandChart(c, 'temperature', undefined).series[1]!.values).toEqual([1, 1, 2]);
  });

  it('says durations plainly', () => {
    expect(durationText(42)).toBe('42 s');
    expect(durationText(5_400)).toBe('1 h 30 min');
    expect(durationText(90_000)).toBe('1 d 1 h');
  });
});
