/**
 * The time slider's arithmetic: the slider moves over [registeredAt, now] in steps that keep
 * the native range input's step count reasonable; the URL holds the chosen moment (`at`).
 */
export const SLIDER_STEPS = 1000;

export interface SliderSpan {
  startMs: number;
  endMs: number;
}

export function sliderSpan(registeredAt: string | null | undefined, nowMs: number): SliderSpan {
  const start = registeredAt ? Date.parse(registeredAt) : NaN;
  const startMs = Number.isFinite(start) && start < nowMs ? start : nowMs - 86_400_000;
  return { startMs, endMs: nowMs };
}

/** The slider position (0..SLIDER_STEPS) of a moment, clamped to the span. */
export function positionOf(span: SliderSpan, atMs: number): number {
  const width = span.endMs - span.startMs;
  if (!(width > 0)) return SLIDER_STEPS;
  const p = Math.round(((atMs - span.startMs) / width) * SLIDER_STEPS);
  return Math.max(0, Math.min(SLIDER_STEPS, p));
}

/** The moment at a slider position, whole seconds (what the API and the URL hold). */
export function momentAt(span: SliderSpan, position: number): number {
  const p = Math.max(
    0,
    Math.min(SLIDER_STEPS, Number.isFinite(position) ? position : SLIDER_STEPS),
  );
  const ms = span.startMs + ((span.endMs - span.startMs) * p) / SLIDER_STEPS;
  return Math.min(span.endMs, Math.max(span.startMs, Math.floor(ms / 1000) * 1000));
}

/** A moment from the URL, kept within the span (a shared link from the future shows now). */
export function clampMoment(span: SliderSpan, atMs: number | undefined): number | undefined {
  if (atMs === undefined) return undefined;
  return Math.max(span.startMs, Math.min(span.endMs, atMs));
}

/** How long before `to` a moment was, in words: "3 h 12 min before now". */
export function agoText(atMs: number, toMs: number): string {
  let s = Math.max(0, Math.round((toMs - atMs) / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean);
  return parts.length === 0 ? 'less than a minute' : parts.slice(0, 2).join(' ');
}

/**
 * A committed move (the drag ended, a key was pressed): the moment the person saw on the span
 * as drawn (none at its end: live), with the span and the comparison redrawn to the time of the
 * commit. The page stays open and live: the slider reaches the minutes since it opened, and
 * "changed since" compares with now, not with when the panel mounted.
 */
export function commitMove(
  drawn: SliderSpan,
  position: number,
  registeredAt: string | null | undefined,
  nowMs: number,
): { atMs: number | undefined; span: SliderSpan; toMs: number } {
  const ms = momentAt(drawn, position);
  return {
    atMs: ms >= drawn.endMs ? undefined : ms,
    span: sliderSpan(registeredAt, Math.max(nowMs, drawn.endMs)),
    toMs: Math.max(nowMs, drawn.endMs),
  };
}
