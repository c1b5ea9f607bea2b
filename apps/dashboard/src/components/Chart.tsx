import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bandEdge, uplotBands, type ChartBand } from './chart-bands';

/** Line colours readable on the light and the dark theme (uPlot draws on a canvas: no CSS). */
const PALETTE = ['#2f6fde', '#d9822b', '#1f9d6b', '#a450d6'];

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
 * uPlot, sized to its container and redrawn when the data change. Dragging selects a range
 * (`onZoom`): the page asks the server for it with a shorter window (components/chart-range.ts),
 * so zooming from months to minutes stays a few hundred points.
 */
export function Chart({
  title,
  times,
  series,
  summary,
  onZoom,
  height = 240,
  bands = [],
}: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: true } },
      series: [
        {},
        ...series.map((s, i) =>
          s.edge
            ? bandEdge(`${s.label} (${s.unit})`)
            : {
                label: `${s.label} (${s.unit})`,
                stroke: PALETTE[i % PALETTE.length]!,
                width: 1.5,
                spanGaps: false,
              },
        ),
      ],
      bands: uplotBands(bands),
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 2) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(Math.round(from), Math.round(to));
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
    plot.current = new uPlot(options, data, el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // A new set of series rebuilds the chart; new points only update it (below).
  }, [series.length, height, series.map((s) => s.label).join(), bands.map((b) => b.label).join()]);

  useEffect(() => {
    plot.current?.setData([times.map((t) => t / 1000), ...series.map((s) => s.values)]);
  }, [times, series]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
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
    </figure>
  );
}
