/**
 * A chart of a run as SVG text: panels stacked on one time axis, each with its own y axis, a
 * line per series and a legend naming every colour. Pure (series in, text out), hand-written
 * rather than a charting dependency: the bench needs lines, ticks and labels, nothing more.
 */
export interface ChartPoint {
  /** Seconds from the run's start. */
  t: number;
  /** NaN (not measured at that moment) breaks the line there. */
  v: number;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface ChartPanel {
  title: string;
  /** The y axis's label, e.g. "readings/s". */
  unit: string;
  series: ChartSeries[];
}

export interface ChartSpec {
  title: string;
  panels: ChartPanel[];
  /** A shaded stretch of time in every panel (the load window), with its label. */
  window?: { from: number; to: number; label: string };
}

// Colour-blind-safe (Okabe-Ito); the legend names each, so no colour carries meaning alone.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const WIDTH = 960;
const PANEL_HEIGHT = 190;
const LEFT = 80;
const RIGHT = 290;
const TOP = 62;
const GAP = 50;
const BOTTOM = 45;

/** Round steps (1, 2 or 5 times a power of ten) from 0 to at least `max`, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    // Rounded so that 0.1 + 0.2 style sums do not print as 0.30000000000000004.
    const tick = Number((i * step).toPrecision(12));
    ticks.push(tick);
    if (tick >= max) return ticks;
  }
}

/** 1,234 / 12.5k / 3.2M: short enough for an axis; `scale` (its largest tick) keeps one unit per axis. */
export function tickLabel(v: number, scale = Math.abs(v)): string {
  if (v === 0) return '0';
  const abs = Math.max(Math.abs(v), scale);
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return Number(v.toPrecision(4)).toLocaleString('en-US');
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (n: number) => Number(n.toFixed(1));

function finite(points: ChartPoint[]): ChartPoint[] {
  return points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
}

/** The runs of consecutive measured points: a NaN between two points is a gap, not a line. */
export function segments(points: ChartPoint[]): ChartPoint[][] {
  const runs: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  for (const p of points) {
    if (Number.isFinite(p.t) && Number.isFinite(p.v)) current.push(p);
    else if (current.length) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length) runs.push(current);
  return runs;
}

export function chartSvg(spec: ChartSpec): string {
  const all = spec.panels.flatMap((p) => p.series.flatMap((s) => finite(s.points)));
  const tMax = Math.max(0, ...all.map((p) => p.t), spec.window?.to ?? 0);
  const xTicks = niceTicks(tMax, 8);
  const xEnd = xTicks[xTicks.length - 1]!;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + (t / xEnd) * plotWidth;
  const height = TOP + spec.panels.length * (PANEL_HEIGHT + GAP) - GAP + BOTTOM;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escape(spec.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="13" font-weight="bold">${escape(spec.title)}</text>`,
  ];
  spec.panels.forEach((panel, i) => {
    const top = TOP + i * (PANEL_HEIGHT + GAP);
    const bottom = top + PANEL_HEIGHT;
    const values = panel.series.flatMap((s) => finite(s.points).map((p) => p.v));
    const yTicks = niceTicks(Math.max(0, ...values), 4);
    const yEnd = yTicks[yTicks.length - 1]!;
    const y = (v: number) => bottom - (Math.max(0, v) / yEnd) * PANEL_HEIGHT;
    out.push(`<g class="panel">`, `<title>${escape(panel.title)}</title>`);
    if (spec.window)
      out.push(
        `<rect x="${f(x(spec.window.from))}" y="${top}" width="${f(x(spec.window.to) - x(spec.window.from))}" height="${PANEL_HEIGHT}" fill="#f0f0f0"/>`,
      );
    for (const v of yTicks)
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#dddddd"/>`,
        `<text x="${LEFT - 6}" y="${f(y(v) + 4)}" text-anchor="end">${tickLabel(v, yEnd)}</text>`,
      );
    for (const t of xTicks)
      out.push(
        `<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${bottom}" y2="${bottom + 4}" stroke="#333333"/>`,
      );
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${bottom}" y2="${bottom}" stroke="#333333"/>`,
      `<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="#333333"/>`,
      `<text x="${LEFT}" y="${top - 8}" font-weight="bold">${escape(panel.title)}</text>`,
      `<text transform="translate(16 ${f(top + PANEL_HEIGHT / 2)}) rotate(-90)" text-anchor="middle">${escape(panel.unit)}</text>`,
    );
    panel.series.forEach((series, k) => {
      const colour = COLOURS[k % COLOURS.length]!;
      for (const run of segments(series.points)) {
        const coords = run.map((p) => `${f(x(p.t))},${f(y(p.v))}`).join(' ');
        out.push(
          run.length === 1
            ? `<circle cx="${f(x(run[0]!.t))}" cy="${f(y(run[0]!.v))}" r="2" fill="${colour}"/>`
            : `<polyline points="${coords}" fill="none" stroke="${colour}" stroke-width="1.5"/>`,
        );
      }
      const ly = top + 12 + k * 18;
      const empty = finite(series.points).length === 0 ? ' (no data)' : '';
      out.push(
        `<line x1="${LEFT + plotWidth + 15}" x2="${LEFT + plotWidth + 35}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="3"/>`,
        `<text x="${LEFT + plotWidth + 40}" y="${ly}">${escape(series.name + empty)}</text>`,
      );
    });
    if (spec.window && i === 0)
      out.push(
        `<text x="${f(x(spec.window.from) + 4)}" y="${bottom - 6}" fill="#666666">${escape(spec.window.label)}</text>`,
      );
    out.push('</g>');
  });
  const axisY = TOP + spec.panels.length * (PANEL_HEIGHT + GAP) - GAP;
  for (const t of xTicks)
    out.push(
      `<text x="${f(x(t))}" y="${axisY + 18}" text-anchor="middle">${tickLabel(t, xEnd)}</text>`,
    );
  out.push(
    `<text x="${f(LEFT + plotWidth / 2)}" y="${axisY + 36}" text-anchor="middle">seconds from the first send</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
