import type { Limits } from '@twinlog/domain';
import { limitsText } from './limits-text';

/** Formatting lives in number-format.ts; re-exported for the pages that import it from here. */
export { format } from './number-format';

export type { Limits };

const BANDS = ['warning', 'alarm', 'failure'] as const;

/** Where a value sits on its scale, 0-100 %, clamped (a value past the scale sits at its end). */
export function percentOn(value: number, low: number, high: number): number {
  if (!Number.isFinite(value) || !(high > low)) return 0;
  return Math.max(0, Math.min(100, ((value - low) / (high - low)) * 100));
}

/**
 * A value against its limits (the model's bands: a band is reached at or past its low/high):
 * the warning, alarm and failure zones shaded, worse ones over milder ones, a marker at the
 * value, and the same facts in text for those who cannot see the bar. Positions are set through
 * the CSSOM (Preact's style object), which the page's CSP allows; style attributes it would not.
 */
export function LimitsBar({
  label,
  value,
  unit,
  limits,
}: {
  label: string;
  value: number;
  unit: string;
  limits: Limits;
}) {
  const bounds = [value];
  for (const band of ['normal', ...BANDS] as const) {
    const b = limits[band];
    if (b?.low !== undefined) bounds.push(b.low);
    if (b?.high !== undefined) bounds.push(b.high);
  }
  const finite = bounds.filter(Number.isFinite);
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  const margin = (high - low) * 0.1 || Math.abs(value) * 0.1 || 1;
  low -= margin;
  high += margin;
  const at = (n: number) => percentOn(n, low, high);
  const zones = BANDS.flatMap((band) => {
    const b = limits[band];
    return [
      ...(b?.low !== undefined ? [{ band, from: 0, to: at(b.low) }] : []),
      ...(b?.high !== undefined ? [{ band, from: at(b.high), to: 100 }] : []),
    ];
  });
  const text = limitsText(label, value, unit, limits);
  return (
    <div class="limits-bar" role="img" aria-label={text}>
      {zones.map((z) => (
        <span
          key={`${z.band}-${z.from}`}
          class={`zone zone-${z.band}`}
          style={{ left: `${z.from}%`, width: `${z.to - z.from}%` }}
        />
      ))}
      <span class="marker" style={{ left: `${at(value)}%` }} />
    </div>
  );
}
