import { ERROR_CODES, type ErrorCode } from '@twinlog/domain';
import type { DeadLetterReplay, RecordedDeadLetter } from '@twinlog/event-log';

/** Codes of input refused before it became readings: a whole request, or a line that is not a reading. */
export const REQUEST_CODES = [
  'JSON_MALFORMED',
  'BATCH_MALFORMED',
  'BATCH_TOO_LARGE',
  'BODY_TOO_LARGE',
  'CONTENT_TYPE_UNSUPPORTED',
  'READING_MALFORMED',
  'TOPIC_UNMATCHED',
  // An MQTT message that broke ingestion itself (a defect): kept whole, to be read and reported.
  'INGESTION_FAILED',
] as const;

/** Every code a dead letter can carry: the domain's per-reading codes and the request codes. */
export const DEAD_LETTER_CODES: readonly string[] = [...ERROR_CODES, ...REQUEST_CODES];

export interface DeadLetterView extends RecordedDeadLetter {
  /** Whether `replay` can send it through ingestion again, and if not, why not. */
  replayable: boolean;
  notReplayableBecause?: string;
  /** The last replay that tried it. */
  lastReplay?: { at: string; by: string; outcome: 'accepted' | 'refused'; code?: string };
}

/** The reading a dead letter holds, when it holds one that ingestion can judge again. */
export function replayableReading(
  letter: RecordedDeadLetter,
): { ok: true; reading: Record<string, unknown> } | { ok: false; because: string } {
  if (letter.consumer !== 'ingestion')
    return { ok: false, because: `it was refused by ${letter.consumer}, not by ingestion` };
  if (!(ERROR_CODES as readonly string[]).includes(letter.code as ErrorCode))
    return {
      ok: false,
      because: `it is a whole request or unreadable input (${letter.code}), not a reading: fix it at the source and send it again`,
    };
  if (letter.payloadBytes !== undefined)
    return {
      ok: false,
      because: `its payload was cut to ${letter.payload.length} of its ${letter.payloadBytes} bytes when it was stored: send it again at the source`,
    };
  let reading: unknown;
  try {
    reading = JSON.parse(letter.payload);
  } catch {
    return { ok: false, because: 'its payload is not JSON' };
  }
  if (typeof reading !== 'object' || reading === null || Array.isArray(reading))
    return { ok: false, because: 'its payload is not one reading' };
  return { ok: true, reading: reading as Record<string, unknown> };
}

/** Each letter with whether it can be replayed and what the last replay of it did. */
export function viewsOf(
  letters: RecordedDeadLetter[],
  replays: DeadLetterReplay[],
): DeadLetterView[] {
  const last = new Map<string, NonNullable<DeadLetterView['lastReplay']>>();
  for (const r of replays) {
    for (const id of r.accepted) last.set(id, { at: r.at, by: r.by, outcome: 'accepted' });
    for (const { id, code } of r.refused)
      last.set(id, { at: r.at, by: r.by, outcome: 'refused', code });
  }
  return letters.map((letter) => {
    const check = replayableReading(letter);
    const lastReplay = last.get(letter.id);
    return {
      ...letter,
      replayable: check.ok,
      ...(check.ok ? {} : { notReplayableBecause: check.because }),
      ...(lastReplay ? { lastReplay } : {}),
    };
  });
}
