import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bandEdge, type ChartBand } from './chart-bands';
import { drawnOf, plotData, plotOptions, type PlotBand, type PlotLine } from './plot-options';

/** Line colours readable on the light and the dark theme (uPlot draws on a canvas: no CSS). */
const PALETTE = ['#2f6fde', '#d9822b', '#1f9d6b', '#a450d6'];

export interface PlotProps {
  /** The figure's caption (its accessible name starts with `label`). */
  caption: ComponentChildren;
  label: string;
  /** A sentence saying what the chart shows: the text alternative. */
  summary: string;
  /** Epoch ms of each point. */
  times: readonly number[];
  lines: readonly PlotLine[];
  bands?: readonly PlotBand[];
  bandFill?: string;
  yLabel?: string;
  height?: number;
  /** Called with the range (epoch ms) the person selected by dragging. */
  onZoom?: (fromMs: number, toMs: number) => void;
  testId?: string;
  /** Below the chart, before the summary (a legend, a visible summary). */
  children?: ComponentChildren;
}

/**
 * The one uPlot wrapper: sized to its container, its y axis sized to its labels, rebuilt when
 * its series change and only given new data otherwise. The figure says what uPlot really drew:
 * `data-series` (the series' and bands' names) and `data-points` (finite points), for tests.
 */
export function Plot({
  caption,
  label,
  summary,
  times,
  lines,
  bands = [],
  bandFill,
  yLabel,
  height = 240,
  onZoom,
  testId,
  children,
}: PlotProps) {
  const figure = useRef<HTMLElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const zoomable = onZoom !== undefined;

  const report = () => {
    const u = plot.current;
    const el = figure.current;
    if (!u || !el) return;
    const drawn = drawnOf(u, lines, bands);
    el.dataset.series = drawn.series.join(',');
    el.dataset.points = String(drawn.points);
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options = plotOptions({
      width: Math.max(200, el.clientWidth),
      height,
      lines,
      bands,
      ...(bandFill ? { bandFill } : {}),
      ...(yLabel ? { yLabel } : {}),
      selectRange: zoomable,
    });
    if (zoomable)
      options.hooks = {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 2) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(Math.round(from), Math.round(to));
          },
        ],
      };
    plot.current = new uPlot(options, plotData(times, lines), el);
    report();
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // New series (names, bands, axis) rebuild the chart; new points only update it (below).
  }, [
    height,
    yLabel,
    bandFill,
    zoomable,
    lines.map((l) => l.name).join(),
    bands.map((b) => `${b.name}:${b.high}-${b.low}`).join(),
  ]);

  useEffect(() => {
    plot.current?.setData(plotData(times, lines));
    report();
  }, [times, lines]);

  return (
    <figure ref={figure} class="chart" data-testid={testId}>
      <figcaption>{caption}</figcaption>
      <div ref={box} role="img" aria-label={`${label}: ${summary}`} />
      {children}
    </figure>
  );
}

export interface ChartSeries {
  label: string;
  unit: string;
  /** Values per x, null where there is no point (a gap in the line). */
  values: Array<number | null>;
  /** The edge of a band (below): drawn thin in the band's colour. */
  edge?: boolean;
}

export interface ChartProps {
  /** The chart's name, also its accessible name. */
  title: string;
  /** Epoch ms of each point. */
  times: number[];
  series: ChartSeries[];
  /** A sentence saying what the chart shows (range, last value, extremes): the text alternative. */
  summary: string;
  /** Called with the range (epoch ms) the person selected by dragging: fetch again for it. */
  onZoom?: (fromMs: number, toMs: number) => void;
  height?: number;
  /** Areas shaded between two series (indices into `series`), each named in the legend. */
  bands?: Array<ChartBand & { label: string }>;
}

/**
 * A twin's chart (telemetry, health): lines in the palette, band edges thin, bands named in a
 * key. Dragging selects a range (`onZoom`): the page asks the server for it with a shorter
 * window (components/chart-range.ts), so zooming from months to minutes stays a few hundred points.
 */
export function Chart({ title, times, series, summary, onZoom, height = 240, bands = [] }: ChartProps) {
  const lines: PlotLine[] = series.map((s, i) => ({
    name: s.label,
    values: s.values,
    options: s.edge
      ? bandEdge(`${s.label} (${s.unit})`)
      : {
          label: `${s.label} (${s.unit})`,
          stroke: PALETTE[i % PALETTE.length]!,
          width: 1.5,
          spanGaps: false,
        },
  }));
  const named: PlotBand[] = bands.map((b) => ({ high: b.high, low: b.low, name: 'band' }));
  return (
    <Plot
      caption={title}
      label={title}
      summary={summary}
      times={times}
      lines={lines}
      bands={named}
      height={height}
      {...(onZoom ? { onZoom } : {})}
    >
      {bands.length > 0 && (
        <p class="chart-legend" aria-hidden="true">
          {bands.map((b) => (
            <span key={b.label} class="chart-legend-band">
              <span class="band-swatch" /> {b.label}
            </span>
          ))}
        </p>
      )}
      <p class="visually-hidden">{summary}</p>
    </Plot>
  );
}
