import type uPlot from 'uplot';
import { BAND_FILL } from './chart-bands';
import { axisSizeFor, drawnOf, fitAxisToLabels, plotData, plotOptions, type PlotLine } from './plot-options';

const line = (name: string, values: Array<number | null>): PlotLine => ({
  name,
  values,
  options: { label: name },
});
/** A fake measure: 7 px a character, about uPlot's 12 px font. */
const measure = (text: string) => text.length * 7;

describe('the one uPlot wrapper: options', () => {
  it('gives uPlot every line after the x values, and the bands shifted by one', () => {
    const options = plotOptions({
      width: 400,
      height: 200,
      lines: [line('scenario', [1]), line('band-high', [2]), line('band-low', [0])],
      bands: [{ high: 1, low: 2, name: 'band' }],
      bandFill: BAND_FILL,
      yLabel: '°C',
    });
    expect(options.series.map((s) => s.label)).toEqual([undefined, 'scenario', 'band-high', 'band-low']);
    expect(options.bands).toEqual([{ series: [2, 3], fill: BAND_FILL }]);
    expect(options.axes?.[1]?.label).toBe('°C');
    expect(options.cursor).toBeUndefined();
    expect(plotOptions({ width: 1, height: 1, lines: [], selectRange: true }).cursor).toEqual({
      drag: { x: true, y: false },
    });
    expect(plotData([1000, 2000], [line('a', [1, null])])).toEqual([[1, 2], [1, null]]);
  });

  it('sizes the y axis to its widest label (uPlot fixes 50 px, which cut "10,000" to "0,000")', () => {
    expect(axisSizeFor(['8,000', '10,000'], measure, 10, 5)).toBeGreaterThanOrEqual(10 + 5 + 42);
    expect(axisSizeFor(['1,000,000'], measure, 10, 5)).toBeGreaterThan(50 + 20);
    expect(axisSizeFor(null, measure, 10, 5)).toBe(40);
    // The options' y axis measures in the axis's font, through uPlot's own canvas.
    const fonts: string[] = [];
    const self = {
      axes: [{}, { ticks: { size: 10 }, gap: 5, font: ['12px sans-serif', 12] }],
      ctx: {
        set font(f: string) {
          fonts.push(f);
        },
        measureText: (t: string) => ({ width: measure(t) }),
      },
    } as unknown as uPlot;
    const size = plotOptions({ width: 1, height: 1, lines: [] }).axes![1]!.size as typeof fitAxisToLabels;
    expect(size(self, ['0', '2,500', '10,000'], 1, 0)).toBeGreaterThanOrEqual(57);
    expect(fonts).toContain('12px sans-serif');
  });
});

describe('the one uPlot wrapper: what it drew', () => {
  const lines = [line('scenario', [1, 2, null]), line('baseline', [1, NaN, 3])];
  it('names the series and bands uPlot holds and counts their finite points', () => {
    const plot = {
      series: [{}, { label: 'Scenario' }, { label: 'Baseline' }],
      data: [[1, 2, 3], [1, 2, null], [1, NaN, 3]],
      bands: [{ series: [1, 2] }],
    } as unknown as uPlot;
    expect(drawnOf(plot, lines, [{ name: 'band' }])).toEqual({
      series: ['scenario', 'baseline', 'band'],
      points: 4,
    });
  });

  it('reports nothing when uPlot was given only the x values (a chart drawing no data)', () => {
    const plot = { series: [{}], data: [[1, 2, 3]], bands: [] } as unknown as uPlot;
    expect(drawnOf(plot, lines, [{ name: 'band' }])).toEqual({ series: [], points: 0 });
    const noData = {
      series: [{}, { label: 'a' }],
      data: [[1, 2, 3]],
      bands: [{ series: [1, 2] }],
    } as unknown as uPlot;
    expect(drawnOf(noData, lines, [{ name: 'band' }])).toEqual({ series: [], points: 0 });
  });
});
