import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { BAND_FILL, bandEdge, uplotBands } from '../../components/chart-bands';
import type { BandChart, BandSeries } from './band-series';

/** Colours readable on the light and the dark theme (uPlot draws on a canvas: no CSS). */
const SCENARIO = '#2f6fde';
const BASELINE = '#7a8591';
const LIMIT: Record<string, string> = { warning: '#c98a00', alarm: '#d0342c', failure: '#8e1b1b' };

function seriesOptions(s: BandSeries): uPlot.Series {
  const label = s.label;
  switch (s.role) {
    case 'scenario':
      return { label, stroke: SCENARIO, width: 2 };
    case 'baseline':
      return { label, stroke: BASELINE, width: 1.5, dash: [6, 4] };
    case 'band-high':
    case 'band-low':
      return bandEdge(label);
    case 'limit':
      return {
        label,
        stroke: LIMIT[s.level ?? 'alarm']!,
        width: 1,
        dash: [3, 3],
        points: { show: false },
      };
  }
}

/**
 * The what-if trajectory: the scenario, the baseline, the scenario's Monte Carlo band filled
 * between its 5th and 95th percentiles, and the twin's limits as dashed lines; `summary` is the
 * same in words (the chart's text alternative).
 */
export function ScenarioChart({
  chart,
  summary,
  height = 300,
}: {
  chart: BandChart;
  summary: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: true } },
      axes: [{}, { label: chart.unit }],
      series: [{}, ...chart.series.map(seriesOptions)],
      bands: uplotBands(
        chart.bands.map(([high, low]) => ({ high, low })),
        BAND_FILL,
      ),
    };
    const data = [
      chart.times.map((t) => t / 1000),
      ...chart.series.map((s) => s.values),
    ] as uPlot.AlignedData;
    const plot = new uPlot(options, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [chart, height]);

  return (
    <figure class="chart" data-testid="scenario-chart">
      <figcaption>
        {chart.property}
        {chart.unit ? ` (${chart.unit})` : ''}: scenario, baseline
        {chart.bands.length ? ', 5th–95th percentile band' : ''} and limits
      </figcaption>
      <div ref={box} role="img" aria-label={`${chart.property}: ${summary}`} />
      <p class="chart-summary">{summary}</p>
    </figure>
  );
}
