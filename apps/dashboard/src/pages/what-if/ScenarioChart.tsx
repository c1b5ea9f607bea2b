import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { Plot } from '../../components/Chart';
import { BAND_FILL, bandEdge } from '../../components/chart-bands';
import type { PlotBand, PlotLine } from '../../components/plot-options';
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

/** The stable name of a series in the chart's `data-series`: its role (a limit with its level and side). */
export function seriesName(s: BandSeries): string {
  return s.role === 'limit' ? `limit-${s.level ?? 'alarm'}-${s.bound ?? 'high'}` : s.role;
}

/**
 * The what-if trajectory: the scenario, the baseline, the scenario's Monte Carlo band filled
 * between its 5th and 95th percentiles, and the twin's limits as dashed lines; `summary` is the
 * same in words (the chart's text alternative). Drawn by the one uPlot wrapper (Plot).
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
  const lines = useMemo<PlotLine[]>(
    () =>
      chart.series.map((s) => ({
        name: seriesName(s),
        values: s.values,
        options: seriesOptions(s),
      })),
    [chart],
  );
  const bands = useMemo<PlotBand[]>(
    () => chart.bands.map(([high, low]) => ({ high, low, name: 'band' })),
    [chart],
  );
  return (
    <Plot
      testId="scenario-chart"
      caption={
        <>
          {chart.property}
          {chart.unit ? ` (${chart.unit})` : ''}: scenario, baseline
          {chart.bands.length ? ', 5th–95th percentile band' : ''} and limits
        </>
      }
      label={chart.property}
      summary={summary}
      times={chart.times}
      lines={lines}
      bands={bands}
      bandFill={BAND_FILL}
      {...(chart.unit ? { yLabel: chart.unit } : {})}
      height={height}
    >
      <p class="chart-summary">{summary}</p>
    </Plot>
  );
}
