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
