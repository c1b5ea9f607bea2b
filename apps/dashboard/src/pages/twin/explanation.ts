import type { RecordedExplanation, AuditEntry } from '../../api/types';

/** Who wrote an explanation and when, in words: it is the model's, and says so. */
export function explanationByline(e: RecordedExplanation, when: (iso: string) => string): string {
  const asked = e.actor ? `, asked by ${e.actor}` : '';
  return `AI explanation by ${e.model}, ${when(e.explainedAt)}${asked}`;
}

/** The button's words: a first explanation, one in progress, or a new one over the recorded. */
export function explainButtonText(busy: boolean, explained: boolean): string {
  if (busy) return 'Explaining…';
  return explained ? 'Explain again' : 'Explain';
}

/** The API's refusal in words for the page: AI off or busy says what to do, the rest as said. */
export function explainErrorText(code: string, message: string): string {
  if (code === 'AI_OFF')
    return 'AI is off on this Twinlog: an administrator can turn it on (docs/ai.md).';
  if (code === 'AI_BUSY' || code === 'AI_BUDGET_EXHAUSTED')
    return `The AI assistant cannot answer now: ${message}`;
  return message;
}

const isText = (v: unknown): v is string => typeof v === 'string';

/**
 * The latest explanation of each episode from the twin's AnomalyExplained events (one request
 * for the whole timeline); an entry not of the expected shape is left out.
 */
export function latestExplanations(
  events: readonly AuditEntry[],
): Map<string, RecordedExplanation> {
  const found = new Map<string, RecordedExplanation>();
  for (const event of events) {
    if (event.type !== 'AnomalyExplained') continue;
    const d = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<
      string,
      unknown
    >;
    if (!isText(d.episodeId) || !isText(d.summary) || !isText(d.model)) continue;
    const causes = Array.isArray(d.likelyCauses) ? d.likelyCauses : [];
    found.set(d.episodeId, {
      episodeId: d.episodeId,
      twinId: event.twinId,
      anomalyEventId: isText(d.anomalyEventId) ? d.anomalyEventId : '',
      eventId: event.id,
      explainedAt: event.occurredAt,
      actor: event.actor,
      summary: d.summary,
      likelyCauses: causes
        .filter((c): c is { cause: string; why: string } => isText(c?.cause) && isText(c?.why))
        .map(({ cause, why }) => ({ cause, why })),
      checkFirst: (Array.isArray(d.checkFirst) ? d.checkFirst : []).filter(isText),
      model: d.model,
      promptVersion: isText(d.promptVersion) ? d.promptVersion : '',
    });
  }
  return found;
}
