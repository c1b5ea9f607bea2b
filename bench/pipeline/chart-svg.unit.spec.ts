import { chartSvg, niceTicks, segments, tickLabel, type ChartSpec } from './chart-svg';

const spec = (over: Partial<ChartSpec> = {}): ChartSpec => ({
  title: 'pipeline run <abc> & co',
  panels: [
    {
      title: 'rate',
      unit: 'readings/s',
      series: [
        {
          name: 'acknowledged',
          points: [
            { t: 0, v: 0 },
            { t: 10, v: 1000 },
          ],
        },
      ],
    },
    { title: 'lag', unit: 'readings', series: [{ name: 'twin-state', points: [] }] },
  ],
  window: { from: 0, to: 10, label: 'load' },
  ...over,
});

/** Every element opened is closed, in order (a well-formed tree, as an XML parser needs). */
function balanced(svg: string): boolean {
  const open: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!close) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

describe('the run chart (SVG)', () => {
  it('is one well-formed svg with a title, escaped text and a panel per group of series', () => {
    const svg = chartSvg(spec());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('<title>pipeline run &lt;abc&gt; &amp; co</title>');
    expect(svg.match(/<g class="panel">/g)).toHaveLength(2);
    expect(svg).toContain('seconds from the first send');
  });

  it('scales values onto the plot: 0 at the panel bottom, the top tick at its top', () => {
    const svg = chartSvg(spec());
    // First panel: top 62, height 190, so y from 252 (0) to 62 (1,000, the top tick); x from 80
    // (0 s) to 670 (10 s, the last tick).
    expect(svg).toContain('<polyline points="80,252 670,62"');
    expect(svg).toMatch(/>1,000<\/text>/);
  });

  it('names every colour in a legend, and says when a series has no data', () => {
    const svg = chartSvg(spec());
    expect(svg).toMatch(/stroke="#0072B2" stroke-width="3"\/>\n<text[^>]*>acknowledged<\/text>/);
    expect(svg).toContain('>twin-state (no data)</text>');
  });

  it('skips NaN: the line breaks there instead of dropping to zero', () => {
    const points = [
      { t: 0, v: 1 },
      { t: 1, v: 2 },
      { t: 2, v: NaN },
      { t: 3, v: 4 },
      { t: 4, v: 5 },
    ];
    expect(segments(points)).toEqual([points.slice(0, 2), points.slice(3)]);
    const svg = chartSvg(
      spec({ panels: [{ title: 'p', unit: 'u', series: [{ name: 's', points }] }] }),
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('draws an empty chart without failing (no series, nothing measured)', () => {
    const svg = chartSvg({ title: 'empty', panels: [{ title: 'p', unit: 'u', series: [] }] });
    expect(balanced(svg)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('puts ticks on round steps that cover the largest value', () => {
    expect(niceTicks(1000, 4)).toEqual([0, 500, 1000]);
    expect(niceTicks(45, 5)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(950, 4)).toEqual([0, 500, 1000]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(NaN)).toEqual([0, 1]);
    expect(tickLabel(1500)).toBe('1,500');
    expect(tickLabel(25_000)).toBe('25k');
    expect(tickLabel(3_200_000)).toBe('3.2M');
    // One unit along an axis: 5,000 on an axis up to 15k reads 5k.
    expect(tickLabel(5_000, 15_000)).toBe('5k');
    expect(tickLabel(0, 15_000)).toBe('0');
    expect(tickLabel(500_000, 1_000_000)).toBe('0.5M');
  });
});
