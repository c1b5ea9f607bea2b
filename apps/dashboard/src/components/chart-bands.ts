import type uPlot from 'uplot';

/**
 * Bands filled between two series, one way for every chart (the twin's remaining-life band, the
 * what-if's Monte Carlo band): the colours, and uPlot's `bands` option from pairs of the
 * chart's own series indices. Pure, so it is tested without a canvas.
 */

/** The fill and its edges' stroke, readable on the light and the dark theme (a canvas: no CSS). */
export const BAND_FILL = 'rgba(47, 111, 222, 0.18)';
export const BAND_EDGE = 'rgba(47, 111, 222, 0.35)';

/** A band between two of a chart's series: indices into its data series (0 = the first). */
export interface ChartBand {
  high: number;
  low: number;
}

/** uPlot's `bands` option: its series indices count the x values as 0, so each shifts by one. */
export function uplotBands(bands: readonly ChartBand[], fill = BAND_FILL): uPlot.Band[] {
  return bands.map(({ high, low }) => ({ series: [high + 1, low + 1], fill }));
}

/** A band's edge: a thin line in the band's colour, no points (the fill carries the meaning). */
export function bandEdge(label: string): uPlot.Series {
  return { label, stroke: BAND_EDGE, width: 1, points: { show: false } };
}
