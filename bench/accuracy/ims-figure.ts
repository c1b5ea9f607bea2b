import type { Checkpoint } from './ims-run';

const W = 640;
const PANEL = 180;
const PAD = { left: 48, right: 12, top: 24, gap: 36, bottom: 28 };

/**
 * An SVG of a bearing's last `hours` before the end: the health index (top) and the RUL band
 * P10-P90 with the median against the true time left (bottom, log-free, capped at `hours`).
 */
export function bearingFigure(title: string, checkpoints: Checkpoint[], hours: number): string {
  const shown = checkpoints.filter((c) => c.hoursLeft <= hours);
  const x = (left: number) => PAD.left + ((hours - left) / hours) * (W - PAD.left - PAD.right);
  const top = PAD.top;
  const bottom = PAD.top + PANEL + PAD.gap;
  const yHealth = (h: number) => top + PANEL - (h / 100) * PANEL;
  const yRul = (r: number) => bottom + PANEL - (Math.min(r, hours) / hours) * PANEL;
  const path = (points: Array<[number, number]>) =>
    points.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
  const predicted = shown.filter((c) => !c.assessment.life.beyond.p50);
  const band = [
    ...predicted.map((c): [number, number] => [x(c.hoursLeft), yRul(c.assessment.life.p90)]),
    ...[...predicted]
      .reverse()
      .map((c): [number, number] => [x(c.hoursLeft), yRul(c.assessment.life.p10)]),
  ];
  const ticks = [hours, hours * 0.75, hours / 2, hours / 4, 0];
  const height = bottom + PANEL + PAD.bottom;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="11">
<text x="${PAD.left}" y="14" font-weight="bold">${title}</text>
<rect x="${PAD.left}" y="${top}" width="${W - PAD.left - PAD.right}" height="${PANEL}" fill="none" stroke="#999"/>
<rect x="${PAD.left}" y="${bottom}" width="${W - PAD.left - PAD.right}" height="${PANEL}" fill="none" stroke="#999"/>
<text x="4" y="${top + 10}">health</text><text x="4" y="${top + PANEL}">0</text><text x="4" y="${top + 20}">100</text>
<text x="4" y="${bottom + 10}">RUL h</text><text x="4" y="${bottom + 22}">${hours}</text>
${ticks.map((t) => `<text x="${x(t) - 8}" y="${height - 8}">-${t}h</text>`).join('')}
<path d="${path(shown.map((c) => [x(c.hoursLeft), yHealth(c.assessment.healthIndex)]))}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>
${band.length ? `<path d="${path(band)}Z" fill="#ff7f0e" fill-opacity="0.3" stroke="none"/>` : ''}
<path d="${path(predicted.map((c) => [x(c.hoursLeft), yRul(c.assessment.life.p50)]))}" fill="none" stroke="#d62728" stroke-width="1.2"/>
<path d="${path([
    [x(hours), yRul(hours)],
    [x(0), yRul(0)],
  ])}" fill="none" stroke="#333" stroke-dasharray="4 3"/>
<text x="${W - 250}" y="${bottom + 14}">band P10-P90 (orange), P50 (red), truth (dashed)</text>
</svg>
`;
}
