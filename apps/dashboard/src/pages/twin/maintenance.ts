import type { MaintenancePrediction } from '@twinlog/domain';
import { format } from '../../components/number-format';

export type PredictionEntry = MaintenancePrediction & { eventId: string; predictedAt: string };

/** The health index and the remaining-useful-life band (P10, P50, P90) over time, oldest first. */
export function healthSeries(predictions: readonly PredictionEntry[]): {
  times: number[];
  health: number[];
  rulLow: number[];
  rul: number[];
  rulHigh: number[];
  /** No failure expected within the model's horizon: the figures are that horizon. */
  beyond: boolean[];
} {
  const sorted = predictions
    .map((p) => ({ p, t: Date.parse(p.predictedAt) }))
    .filter(({ t }) => Number.isFinite(t))
    .sort((a, b) => a.t - b.t);
  return {
    times: sorted.map(({ t }) => t),
    health: sorted.map(({ p }) => p.healthIndex),
    rulLow: sorted.map(({ p }) => p.rulLowHours),
    rul: sorted.map(({ p }) => p.rulHours),
    rulHigh: sorted.map(({ p }) => p.rulHighHours),
    beyond: sorted.map(({ p }) => p.beyondHorizon === true),
  };
}

/** The recommendation in one sentence. */
export function recommendationText(p: MaintenancePrediction): string {
  const what = p.action ?? `${p.maintenanceType ?? 'preventive'} maintenance`;
  const life = p.beyondHorizon
    ? `no failure expected within ${format(p.rulHours)} h`
    : `remaining life ${format(p.rulHours)} h (${format(p.rulLowHours)}–${format(p.rulHighHours)} h)`;
  return `${p.priority} priority: ${what}; health ${format(p.healthIndex)} / 100, ${life}, based on ${p.basis}.`;
}

/**
 * The remaining-useful-life chart: the median as a line, the P10-P90 band shaded between its
 * two edges, and the same in a sentence for screen readers (the chart's text alternative).
 */
export function rulChart(s: ReturnType<typeof healthSeries>, span: string) {
  const n = s.times.length;
  const band = (i: number) =>
    s.beyond[i]
      ? `no failure expected within ${format(s.rul[i])} h (the model's horizon)`
      : `${format(s.rul[i])} h (median), shaded band from P10 to P90 ${format(s.rulLow[i])}–${format(s.rulHigh[i])} h`;
  return {
    series: [
      { label: 'median (P50)', unit: 'h', values: s.rul },
      { label: 'P10', unit: 'h', values: s.rulLow, edge: true },
      { label: 'P90', unit: 'h', values: s.rulHigh, edge: true },
    ],
    bands: [{ high: 2, low: 1, label: 'P10–P90 band: 8 in 10 predicted failure times fall in it' }],
    summary:
      n === 0
        ? 'No predictions yet.'
        : `${n} prediction${n === 1 ? '' : 's'} ${span}; latest remaining life ${band(n - 1)}${n > 1 ? `; first ${band(0)}` : ''}.`,
  };
}
