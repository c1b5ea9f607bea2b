import { createHash } from 'node:crypto';

/**
 * Ids derived from what caused them (docs/adr/0019 §3): deciding the same input twice, or after
 * a restart mid-decision, gives the same ids, and the log drops the second copy.
 */
function digest(text: string, hexChars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, hexChars);
}

/** The delivery of one transition to one channel: the same on every retry and every replay. */
export function deliveryIdOf(transitionEventId: string, channelId: string): string {
  return `dlv-${digest(`${transitionEventId}/${channelId}`, 24)}`;
}

/** An alert opened by a cause (the twin event, or the silence, that started it). */
export function alertIdOf(causeId: string): string {
  return `alr-${digest(causeId, 24)}`;
}

/** A cause's key of bounded length however many properties it names (the schema caps it). */
export function causeDigestOf(parts: readonly string[]): string {
  return digest(JSON.stringify(parts), 32);
}

/** A decided event's id from its parts (unit separator between them, so parts cannot blur). */
export function alertEventIdOf(...parts: Array<string | number>): string {
  return `ae-${digest(parts.join('\u001f'), 32)}`;
}
