import type { Limits } from '@twinlog/domain';
import type { ComparisonResult, SimulationResult } from '../../api/simulation-types';

/**
 * What the what-if chart draws for one property: the scenario's trajectory, the baseline's,
 * the scenario's Monte Carlo band (5th to 95th percentile, filled between) and the twin's
 * limits as flat lines. Pure, so the series are tested without a canvas.
 */
export type SeriesRole = 'scenario' | 'baseline' | 'band-high' | 'band-low' | 'limit';

export interface BandSeries {
  label: string;
  role: SeriesRole;
  values: Array<number | null>;
  /** For limits: its level, to colour and dash it. */
  level?: 'warning' | 'alarm' | 'failure';
  /** For limits: which side it bounds. */
  bound?: 'high' | 'low';
}

export interface BandChart {
  property: string;
  unit: string;
  /** Epoch ms of each point. */
  times: number[];
  series: BandSeries[];
  /** Index pairs (in `series`) of band edges to fill between: [high, low]. */
  bands: Array<[number, number]>;
}

const LEVELS = ['warning', 'alarm', 'failure'] as const;

/** The property to draw: the one asked for if the run has it, else the first limit reached, else the first. */
export function chartProperty(result: SimulationResult, wanted: string): string {
  const props = Object.keys(result.trajectory.properties);
  if (wanted && props.includes(wanted)) return wanted;
  const first = result.firstLimit?.property;
  if (first && props.includes(first)) return first;
  return props[0] ?? '';
}

/** Values of the baseline at the scenario's times (both runs share the grid; else nearest earlier). */
function alignTo(times: number[], other: SimulationResult['trajectory'], property: string) {
  const values = Object.hasOwn(other.properties, property) ? other.properties[property]! : [];
  if (other.times.length === times.length && other.times.every((t, i) => t === times[i]))
    return values.map((v) => (Number.isFinite(v) ? v : null));
  let j = 0;
  return times.map((t) => {
    while (j + 1 < other.times.length && other.times[j + 1]! <= t) j++;
    const v = other.times[j]! <= t ? values[j] : undefined;
    return v !== undefined && Number.isFinite(v) ? v : null;
  });
}

export function buildBandChart(
  compared: ComparisonResult,
  wanted: string,
  limits: Limits | undefined,
): BandChart {
  const run = compared.alternative;
  const property = chartProperty(run, wanted);
  const offsets = run.trajectory.times;
  const start = Date.parse(run.startAt);
  const times = offsets.map((t) => start + t * 1000);
  const clean = (vs: number[] | undefined) =>
    offsets.map((_, i) => {
      const v = vs?.[i];
      return v !== undefined && Number.isFinite(v) ? v : null;
    });
  const series: BandSeries[] = [
    { label: 'Scenario', role: 'scenario', values: clean(run.trajectory.properties[property]) },
    {
      label: 'Baseline',
      role: 'baseline',
      values: alignTo(offsets, compared.base.trajectory, property),
    },
  ];
  const bands: Array<[number, number]> = [];
  const band =
    run.uncertainty?.bands && Object.hasOwn(run.uncertainty.bands, property)
      ? run.uncertainty.bands[property]
      : undefined;
  if (band && band.p95.length === offsets.length) {
    series.push({ label: '95th percentile', role: 'band-high', values: clean(band.p95) });
    series.push({ label: '5th percentile', role: 'band-low', values: clean(band.p5) });
    bands.push([series.length - 2, series.length - 1]);
  }
  for (const level of LEVELS)
    for (const bound of ['high', 'low'] as const) {
      const value = limits?.[level]?.[bound];
      if (value === undefined || !Number.isFinite(value)) continue;
      series.push({
        label: `${level} ${bound} (${value})`,
        role: 'limit',
        level,
        bound,
        values: offsets.map(() => value),
      });
    }
  return { property, unit: run.units[property] ?? '', times, series, bands };
}

/** "2 h 5 min" from seconds. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ') || '0 min';
}

/** The chart in words: the text alternative and what the page says under it. */
export function chartSummary(chart: BandChart, compared: ComparisonResult): string {
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : `${+v.toPrecision(4)} ${chart.unit}`.trim();
  const last = (vs: Array<number | null>) => vs[vs.length - 1];
  const peak = (vs: Array<number | null>) =>
    vs.reduce<number | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);
  const [scenario, baseline] = chart.series;
  const parts = [
    `${chart.property} over ${durationText(compared.alternative.horizonSeconds)}:`,
    `scenario ends at ${fmt(last(scenario!.values))} (peak ${fmt(peak(scenario!.values))}),`,
    `baseline ends at ${fmt(last(baseline!.values))} (peak ${fmt(peak(baseline!.values))}).`,
  ];
  const [hi, lo] = chart.bands[0] ?? [];
  if (hi !== undefined && lo !== undefined)
    parts.push(
      `90% of the samples end between ${fmt(last(chart.series[lo]!.values))} and ${fmt(last(chart.series[hi]!.values))}.`,
    );
  const crossing = compared.alternative.crossings.find((c) => c.property === chart.property);
  parts.push(
    crossing
      ? `It reaches its ${crossing.level} limit (${crossing.limit}) after ${durationText(crossing.atSeconds)}.`
      : 'It reaches none of its limits.',
  );
  return parts.join(' ');
}
