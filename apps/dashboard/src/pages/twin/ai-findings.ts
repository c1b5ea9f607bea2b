/** An audit-trail entry as the AI findings panel reads it (`GET /v1/twins/{id}/events`). */
export interface FindingEvent {
  id: string;
  type: string;
  data: unknown;
}

/** One AI second opinion as the twin page shows it. */
export interface AiFindingView {
  id: string;
  from: string;
  to: string;
  properties: string[];
  summary: string;
  model: string;
  readings: number;
}

/** Findings the panel shows at most: the newest. */
export const FINDINGS_SHOWN = 10;

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;

const isTime = (value: unknown): value is string =>
  typeof value === 'string' && Number.isFinite(Date.parse(value));

/**
 * The twin's AI second opinions from its AiFindingRecorded events, newest window first. Anything
 * not shaped like one (another source, a bad window) is left out rather than shown half.
 */
export function findingsOf(events: readonly FindingEvent[]): AiFindingView[] {
  const views: AiFindingView[] = [];
  for (const event of events) {
    if (event.type !== 'AiFindingRecorded') continue;
    const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as
      Record<string, unknown>;
    const window = (data.window ?? {}) as Record<string, unknown>;
    const summary = text(data.summary, 1_000);
    if (data.source !== 'ai-second-opinion' || !summary) continue;
    if (!isTime(window.from) || !isTime(window.to)) continue;
    views.push({
      id: event.id,
      from: window.from,
      to: window.to,
      properties: Array.isArray(data.properties)
        ? data.properties.filter((p): p is string => typeof p === 'string').slice(0, 20)
        : [],
      summary,
      model: text(data.model, 200) ?? 'unknown model',
      readings: typeof data.readings === 'number' ? data.readings : 0,
    });
  }
  return views
    .sort((a, b) => Date.parse(b.to) - Date.parse(a.to))
    .slice(0, FINDINGS_SHOWN);
}
