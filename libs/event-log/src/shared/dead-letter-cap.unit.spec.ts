import fc from 'fast-check';
import { capDeadLetter, DEAD_LETTER_PAYLOAD_BYTES } from './dead-letter-cap';

const letter = (payload: string) => ({
  at: '2026-01-01T00:00:00.000Z',
  consumer: 'ingestion',
  code: 'READING_INVALID',
  reason: 'r',
  source: { stream: 'ingestion/http' },
  payload,
});

describe('capDeadLetter', () => {
  it('keeps a payload within the cap whole, and cuts a larger one to a whole-character prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.integer({ min: DEAD_LETTER_PAYLOAD_BYTES - 8, max: DEAD_LETTER_PAYLOAD_BYTES + 8 }),
        fc.constantFrom('a', 'é', '€', '😀'),
        (head, padBytes, char) => {
          const payload = head + char.repeat(Math.ceil(padBytes / Buffer.byteLength(char)));
          const bytes = Buffer.byteLength(payload);
          const capped = capDeadLetter(letter(payload));
          if (bytes <= DEAD_LETTER_PAYLOAD_BYTES) {
            expect(capped.payload).toBe(payload);
            expect(capped.payloadBytes).toBeUndefined();
          } else {
            expect(payload.startsWith(capped.payload)).toBe(true);
            expect(Buffer.byteLength(capped.payload)).toBeLessThanOrEqual(
              DEAD_LETTER_PAYLOAD_BYTES,
            );
            expect(Buffer.byteLength(capped.payload)).toBeGreaterThan(
              DEAD_LETTER_PAYLOAD_BYTES - 4,
            );
            expect(capped.payloadBytes).toBe(bytes);
          }
        },
      ),
    );
  });

  it('cuts base64 on a 4-character boundary and bounds the reason', () => {
    const capped = capDeadLetter({
      ...letter('QUJD'.repeat(10_000)),
      payloadEncoding: 'base64',
      reason: 'r'.repeat(100_000),
    });
    expect(capped.payload.length % 4).toBe(0);
    expect(capped.payload.length).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_BYTES);
    expect(capped.payloadBytes).toBe(40_000);
    expect(capped.reason.length).toBeLessThan(100_000);
  });
});
