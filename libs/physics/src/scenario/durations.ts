const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/**
 * A duration as people write it in a scenario: seconds as a number, or "90s", "15m", "2h",
 * "1d", "1h30m". Returns NaN for anything else, so the caller reports it as invalid.
 */
export function parseDuration(input: unknown): number {
  if (typeof input === 'number') return Number.isFinite(input) ? input : Number.NaN;
  if (typeof input !== 'string') return Number.NaN;
  const text = input.trim().replace(/^T\+/i, '');
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) return Number.NaN;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return seconds;
}

/** "3 h 20 min", "45 s": an offset for people. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts = [
    days ? `${days} d` : '',
    hours ? `${hours} h` : '',
    minutes ? `${minutes} min` : '',
  ];
  return parts.filter(Boolean).join(' ') || `${s} s`;
}
