import fc from 'fast-check';
import { isTwinlogError } from '@twinlog/domain';
import { NamesCache } from './compact-names-cache';
import { decodeCompactTelemetry, encodeCompactTelemetryV1 } from './compact-telemetry';
import { decodeCompactTelemetryPlainly } from './compact-telemetry.reference';
import { events, telemetryEvent, type Telemetry } from './compact-telemetry.arbitraries';

// The fast decoder (byte-level time checks, a names cache, its own schema check) must decode
// any bytes exactly as the plain reference does: the same event, or a rejection with the same code.

/** Damage to a valid message: a changed byte, a cut, bytes added, or a mix. */
// Unbiased positions: fast-check favours small numbers, which would damage only the header.
const corruption = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.noBias(fc.nat()),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.noBias(fc.nat()) }),
  fc.record({
    kind: fc.constant('add' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer C> ? C : never;

function corrupt(bytes: Buffer, damage: Corruption[]): Buffer {
  let out = Buffer.from(bytes);
  for (const d of damage) {
    if (d.kind === 'set' && out.length > 1) out[1 + (d.at % (out.length - 1))] = d.byte;
    else if (d.kind === 'cut') out = out.subarray(0, 1 + (d.at % Math.max(1, out.length)));
    else if (d.kind === 'add') out = Buffer.concat([out, d.bytes]);
  }
  return out;
}

function outcome(decode: () => unknown): unknown {
  try {
    return { event: decode() };
  } catch (error) {
    return {
      rejected: isTwinlogError(error) ? error.code : `not a TwinlogError: ${String(error)}`,
    };
  }
}

function expectAlike(bytes: Buffer, offset: number): void {
  const plain = outcome(() => decodeCompactTelemetryPlainly(bytes, offset));
  // With the thread's names cache (warm from earlier cases) and with an empty one of its own.
  expect(outcome(() => decodeCompactTelemetry(bytes, offset))).toStrictEqual(plain);
  const cold = new NamesCache();
  expect(outcome(() => decodeCompactTelemetry(bytes, offset, 0, bytes.length, cold))).toStrictEqual(
    plain,
  );
}

describe('the fast compact telemetry decoder against the plain reference', () => {
  it('decodes encoded events alike, valid or not by the schema', () => {
    fc.assert(
      fc.property(telemetryEvent, fc.nat(1_000_000), (event, offset) =>
        expectAlike(encodeCompactTelemetryV1(event), offset),
      ),
      { numRuns: 2_000 },
    );
  });

  it('decodes or rejects damaged bytes alike', () => {
    fc.assert(
      fc.property(
        telemetryEvent,
        fc.array(corruption, { minLength: 1, maxLength: 3 }),
        (event, damage) => {
          const bytes = encodeCompactTelemetryV1(event);
          // The undamaged message first, so that its names table is in the fast decoder's cache.
          expectAlike(bytes, 41);
          expectAlike(corrupt(bytes, damage), 41);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('tells apart names tables that differ in one character (the cache finds them by their bytes)', () => {
    fc.assert(
      fc.property(
        events(true),
        fc.nat(),
        fc.constantFrom('a', 'X', '0', '_'),
        (event, pick, letter) => {
          const readings = event.data.readings;
          const names = [event.producer, ...readings.flatMap((r) => [r.property, r.unit])];
          const target = names[pick % names.length]!;
          const rename = (name: string) =>
            name === target ? `${name.slice(0, -1)}${letter}` : name;
          const variant = {
            ...event,
            producer: rename(event.producer),
            data: {
              readings: readings.map((r) => ({
                ...r,
                property: rename(r.property),
                unit: rename(r.unit),
              })),
            },
          } as Telemetry;
          expectAlike(encodeCompactTelemetryV1(event), 1);
          expectAlike(encodeCompactTelemetryV1(variant), 1);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('rejects arbitrary bytes after the format byte alike', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) =>
        expectAlike(Buffer.concat([Buffer.of(0x01), tail]), 0),
      ),
      { numRuns: 2_000 },
    );
  });

  it('finds valid events valid (the generators do reach the accepting path)', () => {
    const event = fc.sample(telemetryEvent, { numRuns: 300, seed: 1 });
    // About half come from the good generator; most of those must pass the schema.
    const accepted = event.filter((e) => {
      try {
        decodeCompactTelemetryPlainly(encodeCompactTelemetryV1(e), 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted.length).toBeGreaterThan(100);
  });
});
