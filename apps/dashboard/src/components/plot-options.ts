import type uPlot from 'uplot';
import { uplotBands, type ChartBand } from './chart-bands';

/**
 * What the one uPlot wrapper (components/Chart.tsx) hands to uPlot, and what it reports it drew.
 * Pure (no canvas, no DOM), so each chart's series, bands and axis are tested without a browser.
 */

/** One line: its stable name (for `data-series`), uPlot's look, and a value per x (null: a gap). */
export interface PlotLine {
  name: string;
  options: uPlot.Series;
  values: ReadonlyArray<number | null>;
}

/** A band filled between two of the lines (indices into the lines), named in `data-series`. */
export interface PlotBand extends ChartBand {
  name: string;
}

export interface PlotSpec {
  width: number;
  height: number;
  lines: readonly PlotLine[];
  bands?: readonly PlotBand[];
  bandFill?: string;
  /** The y axis's title (a unit), or none. */
  yLabel?: string;
  /** Dragging selects a range reported by the `setSelect` hook instead of zooming in place. */
  selectRange?: boolean;
}

const TICK_GAP_PX = 4;
const MIN_AXIS_PX = 40;

/**
 * The width a y axis needs for its tick labels: the ticks, the gap, and the widest label as
 * measured in the axis's font. uPlot's default is a fixed 50 px, which cut "10,000" to "0,000".
 */
export function axisSizeFor(
  labels: readonly string[] | null | undefined,
  measure: (text: string) => number,
  ticksPx: number,
  gapPx: number,
): number {
  let widest = 0;
  for (const label of labels ?? []) widest = Math.max(widest, measure(String(label)));
  return Math.max(MIN_AXIS_PX, Math.ceil(ticksPx + gapPx + widest + TICK_GAP_PX));
}

/** uPlot's `axis.size` callback: sizes the axis to the labels it is about to draw. */
export function fitAxisToLabels(
  self: uPlot,
  values: string[] | null,
  axisIdx: number,
  cycleNum: number,
): number {
  const axis = self.axes[axisIdx]! as uPlot.Axis & { _size?: number; font?: unknown };
  // uPlot calls this again while the layout settles: keep the first answer to avoid flapping.
  if (cycleNum > 1 && axis._size) return axis._size;
  const ticks = typeof axis.ticks?.size === 'number' ? axis.ticks.size : 10;
  const gap = typeof axis.gap === 'number' ? axis.gap : 5;
  const font = Array.isArray(axis.font) ? String(axis.font[0]) : undefined;
  const ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const measure = (text: string) => {
    if (font) self.ctx.font = font;
    return self.ctx.measureText(text).width / ratio;
  };
  return axisSizeFor(values, measure, ticks, gap);
}

export function plotOptions(spec: PlotSpec): uPlot.Options {
  return {
    width: spec.width,
    height: spec.height,
    scales: { x: { time: true } },
    axes: [
      {},
      {
        size: fitAxisToLabels,
        ...(spec.yLabel ? { label: spec.yLabel } : {}),
      },
    ],
    series: [{}, ...spec.lines.map((l) => l.options)],
    bands: uplotBands(spec.bands ?? [], spec.bandFill),
    ...(spec.selectRange ? { cursor: { drag: { x: true, y: false } } } : {}),
  };
}

/** uPlot's data: the x values in seconds, then each line's values. */
export function plotData(
  times: readonly number[],
  lines: readonly Pick<PlotLine, 'values'>[],
): uPlot.AlignedData {
  return [times.map((t) => t / 1000), ...lines.map((l) => l.values)] as uPlot.AlignedData;
}

export interface Drawn {
  /** The names of the series uPlot holds with data, then of the bands it fills. */
  series: string[];
  /** How many finite points those series hold. */
  points: number;
}

/**
 * What uPlot was really given (its own series, bands and data, not what the page meant to give
 * it): the chart's `data-series` and `data-points`, so a test checks the data rather than the ink.
 */
export function drawnOf(
  plot: Pick<uPlot, 'series' | 'data'> & { bands?: uPlot.Band[] },
  lines: readonly Pick<PlotLine, 'name'>[],
  bands: readonly Pick<PlotBand, 'name'>[],
): Drawn {
  const series: string[] = [];
  let points = 0;
  const held = (i: number) => i > 0 && i < plot.series.length && Array.isArray(plot.data[i]);
  for (let i = 1; i < plot.series.length; i++) {
    if (!held(i)) continue;
    const values = plot.data[i] as ArrayLike<number | null | undefined>;
    let n = 0;
    for (let j = 0; j < values.length; j++) if (Number.isFinite(values[j])) n++;
    points += n;
    series.push(nameOf(lines[i - 1]?.name ?? String(plot.series[i]!.label ?? `series-${i}`)));
  }
  (plot.bands ?? []).forEach((b, i) => {
    if (b.series.every(held)) series.push(nameOf(bands[i]?.name ?? 'band'));
  });
  return { series, points };
}

/** A name fit for a comma-separated attribute. */
const nameOf = (name: string) => name.replace(/,/g, ' ');
