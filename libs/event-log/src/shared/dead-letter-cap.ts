import { bounded, ECHO_LIMITS } from '@twinlog/domain';
import type { DeadLetter } from '../event-log.port';

/**
 * The most of its payload one dead letter keeps, in bytes. A refused reading is far smaller;
 * hostile input is not, and the dead-letter log keeps what it is given forever (ADR 0011).
 */
export const DEAD_LETTER_PAYLOAD_BYTES = 16 * 1024;

/**
 * A letter as both adapters store it: its reason bounded, and its payload cut to
 * DEAD_LETTER_PAYLOAD_BYTES (on a character boundary; base64 on a 4-character one) with
 * `payloadBytes` telling how large it was. The one place every dead-letter producer passes.
 */
export function capDeadLetter(letter: DeadLetter): DeadLetter {
  const capped: DeadLetter = { ...letter, reason: bounded(letter.reason, ECHO_LIMITS.message) };
  const bytes =
    letter.payloadEncoding === 'base64'
      ? letter.payload.length
      : Buffer.byteLength(letter.payload, 'utf8');
  if (bytes <= DEAD_LETTER_PAYLOAD_BYTES) return capped;
  capped.payloadBytes = letter.payloadBytes ?? bytes;
  capped.payload =
    letter.payloadEncoding === 'base64'
      ? letter.payload.slice(0, DEAD_LETTER_PAYLOAD_BYTES - (DEAD_LETTER_PAYLOAD_BYTES % 4))
      : cutUtf8(letter.payload, DEAD_LETTER_PAYLOAD_BYTES);
  return capped;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `max` bytes. */
function cutUtf8(text: string, max: number): string {
  const head = Buffer.from(text.slice(0, max), 'utf8').subarray(0, max);
  // The last character may be cut: find its lead byte and keep it only when it is whole.
  let lead = head.length - 1;
  while (lead > 0 && (head[lead]! & 0xc0) === 0x80) lead--;
  const b = head[lead] ?? 0;
  const size = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  return head.subarray(0, lead + size <= head.length ? head.length : lead).toString('utf8');
}
