import { severityAtLeast, type AnomalyEvidence, type Severity } from '@twinlog/domain';
import { format, unitSuffix } from '../../components/number-format';

/** An audit-trail entry as the anomaly timeline reads it (`GET /v1/twins/{id}/events`). */
export interface AnomalyEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

export interface AnomalyEpisode {
  episodeId: string;
  detector: string;
  severity: string;
  properties: string[];
  score: number;
  evidence: AnomalyEvidence[];
  openedAt: string;
  /** Each time its severity rose (AnomalyEscalated), oldest first: `severity` is the worst. */
  raised: Array<{ severity: string; at: string }>;
  /** When it cleared; null while it is open. */
  clearedAt: string | null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * The anomaly timeline from the twin's AnomalyDetected / AnomalyEscalated / AnomalyCleared
 * events: one episode per `episodeId` (a repeated detection updates its evidence, keeps its
 * start; an escalation raises its severity, with the score and evidence that did), newest first.
 */
export function episodesOf(events: readonly AnomalyEvent[]): AnomalyEpisode[] {
  const byId = new Map<string, AnomalyEpisode>();
  for (const event of events) {
    const data = record(event.data);
    const episodeId = typeof data.episodeId === 'string' ? data.episodeId : undefined;
    if (!episodeId) continue;
    const known = byId.get(episodeId);
    if (event.type === 'AnomalyDetected') {
      byId.set(episodeId, {
        episodeId,
        detector: String(data.detector ?? known?.detector ?? ''),
        severity: String(data.severity ?? known?.severity ?? ''),
        properties: Array.isArray(data.properties) ? data.properties.map(String) : [],
        score: typeof data.score === 'number' ? data.score : NaN,
        evidence: Array.isArray(data.evidence) ? (data.evidence as AnomalyEvidence[]) : [],
        openedAt: known?.openedAt ?? event.occurredAt,
        raised: known?.raised ?? [],
        clearedAt: null,
      });
    } else if (event.type === 'AnomalyEscalated' && known && known.clearedAt === null) {
      const severity = String(data.severity ?? '');
      // Never lower: the worst so far stands (an escalation read twice changes nothing).
      if (severityAtLeast(known.severity as Severity, severity as Severity)) continue;
      byId.set(episodeId, {
        ...known,
        severity,
        score: typeof data.score === 'number' ? data.score : known.score,
        evidence: Array.isArray(data.evidence)
          ? (data.evidence as AnomalyEvidence[])
          : known.evidence,
        raised: [...known.raised, { severity, at: event.occurredAt }],
      });
    } else if (event.type === 'AnomalyCleared' && known) {
      byId.set(episodeId, { ...known, clearedAt: event.occurredAt });
    }
  }
  return [...byId.values()].sort((a, b) =>
    a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0,
  );
}

/** A rise of an episode's severity, in words: "raised to critical at". */
export function raisedText(severity: string): string {
  return `raised to ${severity} at`;
}

/** The expected side of the evidence: a value, a range, or both. */
export function expectedText(e: AnomalyEvidence, unit = ''): string {
  const u = unitSuffix(unit);
  const hasLow = typeof e.expectedLow === 'number';
  const hasHigh = typeof e.expectedHigh === 'number';
  const range =
    hasLow && hasHigh
      ? `${format(e.expectedLow)}–${format(e.expectedHigh)}${u}`
      : hasLow
        ? `at least ${format(e.expectedLow)}${u}`
        : hasHigh
          ? `at most ${format(e.expectedHigh)}${u}`
          : '';
  const value = typeof e.expected === 'number' ? `${format(e.expected)}${u}` : '';
  if (value && range) return `${value} (range ${range})`;
  return value || (range ? `range ${range}` : 'not stated');
}

/** Which side of the expectation the observation fell on, in words (not only a colour). */
export function deviationText(e: AnomalyEvidence): string {
  if (typeof e.expectedHigh === 'number' && e.observed > e.expectedHigh)
    return `above the range by ${format(e.observed - e.expectedHigh)}`;
  if (typeof e.expectedLow === 'number' && e.observed < e.expectedLow)
    return `below the range by ${format(e.expectedLow - e.observed)}`;
  if (typeof e.expected === 'number') {
    const d = e.observed - e.expected;
    if (d === 0) return 'as expected';
    return `${d > 0 ? 'above' : 'below'} expected by ${format(Math.abs(d))}`;
  }
  return '';
}

/** One line of evidence: "temperature: observed 91.2 °C, expected 60 °C (range 55–65 °C), above the range by 26.2". */
export function evidenceText(e: AnomalyEvidence, unit = ''): string {
  const u = unitSuffix(unit);
  const deviation = deviationText(e);
  return `${e.property}: observed ${format(e.observed)}${u}, expected ${expectedText(e, unit)}${deviation ? `, ${deviation}` : ''}`;
}
