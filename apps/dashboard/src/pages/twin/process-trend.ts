import type { TelemetryAnswer } from '../../api/types';
import type { ChartSeries } from '../../components/Chart';
import { format } from '../../components/number-format';

/** The figures a process's health panel draws: OEE and its three factors, as percentages. */
export const TREND_PROPERTIES = ['oee', 'availability', 'performance', 'quality'] as const;
/** How far back the trend reaches from the latest figure, and its resolution. */
export const TREND_SPAN_MS = 8 * 3_600_000;
export const TREND_EVERY = '5m';

/**
 * A process has no wear and no remaining life: its health is how its figures trend. One chart
 * of OEE and its factors (fractions shown as %) on shared times, gaps where a figure is missing,
 * and a sentence with each one's first and last value for the text alternative.
 */
export function processTrend(answer: TelemetryAnswer | undefined): {
  times: number[];
  series: ChartSeries[];
  summary: string;
} {
  const wanted = (answer?.series ?? []).filter((s) =>
    (TREND_PROPERTIES as readonly string[]).includes(s.property),
  );
  const times = [...new Set(wanted.flatMap((s) => s.windows.map((w) => Date.parse(w.start))))]
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const order = (p: string) => (TREND_PROPERTIES as readonly string[]).indexOf(p);
  const series = [...wanted]
    .sort((a, b) => order(a.property) - order(b.property))
    .map((s) => {
      const values: Array<number | null> = times.map(() => null);
      for (const w of s.windows) {
        const i = index.get(Date.parse(w.start));
        if (i !== undefined) values[i] = Math.round(w.mean * 1000) / 10;
      }
      return { label: s.property, unit: '%', values };
    });
  const parts = series.map((s) => {
    const present = s.values.filter((v): v is number => v !== null);
    return present.length === 0
      ? `${s.label} no figure`
      : `${s.label} ${format(present[0])}% to ${format(present[present.length - 1])}%`;
  });
  const summary =
    times.length === 0
      ? 'No figures yet: they start once the machines under the process have reported for a while.'
      : `${times.length} windows from ${new Date(times[0]!).toISOString()} to ${new Date(times[times.length - 1]!).toISOString()}: ${parts.join('; ')}.`;
  return { times, series, summary };
}
