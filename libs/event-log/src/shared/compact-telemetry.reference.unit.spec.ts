import fc from 'fast-check';
import { isTwinlogError, type NewEvent } from '@twinlog/domain';
import { NamesCache } from './compact-names-cache';
import { decodeCompactTelemetry, encodeCompactTelemetry } from './compact-telemetry';
import { decodeCompactTelemetryPlainly } from './compact-telemetry.reference';

// The fast decoder (byte-level time checks, a names cache, its own schema check) must decode
// any bytes exactly as the plain reference does: the same event, or a rejection with the same code.
type Telemetry = NewEvent & { type: 'TelemetryReported' };

const wildText = fc.oneof(
  fc.constantFrom('', 'a', 'cnc-1', '°C', 'rpm', 'temperature', '__proto__', 'constructor'),
  fc.string({ maxLength: 12, unit: 'binary' }),
);
const goodText = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const canonicalTime = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2999-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());
const wildTime = fc.oneof(
  canonicalTime,
  fc.constantFrom(
    '2026-03-01T10:00:01+01:00',
    '2026-03-01T10:00:00Z',
    '2026-02-29T10:00:00.000Z',
    '2028-02-29T10:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-03-01',
    '',
  ),
);

/** Events the schema mostly accepts (good), and anything the encoder can write (wild). */
function events(good: boolean): fc.Arbitrary<Telemetry> {
  const text = good ? goodText : wildText;
  const time = good ? fc.oneof(canonicalTime, fc.constant('2026-03-01T10:00:01+01:00')) : wildTime;
  const reading = fc.record({
    readingId: text,
    property: good
      ? fc.constantFrom('temperature', 'vibration', 'spindle_speed', '°')
      : fc.constantFrom('temperature', ''),
    value: good
      ? fc.double({ noNaN: true, noDefaultInfinity: true })
      : fc.oneof(fc.double(), fc.constantFrom(-0, 1e308, Number.NaN)),
    unit: good ? fc.constantFrom('°C', 'mm/s', 'rpm') : fc.constantFrom('°C', ''),
    occurredAt: time,
  });
  return fc
    .record({
      id: text,
      twinId: text,
      schemaVersion: good ? fc.constant(2) : fc.constantFrom(2, 1, 3, 0),
      occurredAt: time,
      recordedAt: fc.option(time),
      correlationId: fc.option(text),
      causationId: fc.option(text),
      producer: good
        ? fc.constantFrom('ingestion', 'simulation')
        : fc.constantFrom('ingestion', ''),
      readings: fc.array(reading, { minLength: good ? 1 : 0, maxLength: 6 }),
    })
    .map(
      (e) =>
        ({
          id: e.id,
          twinId: e.twinId,
          type: 'TelemetryReported',
          schemaVersion: e.schemaVersion,
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt ?? e.occurredAt,
          correlationId: e.correlationId ?? e.id,
          causationId: e.causationId,
          producer: e.producer,
          data: { readings: e.readings },
        }) as unknown as Telemetry,
    );
}
const telemetryEvent = fc.oneof(events(true), events(false));

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
        expectAlike(encodeCompactTelemetry(event), offset),
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
          const bytes = encodeCompactTelemetry(event);
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
          expectAlike(encodeCompactTelemetry(event), 1);
          expectAlike(encodeCompactTelemetry(variant), 1);
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
        decodeCompactTelemetryPlainly(encodeCompactTelemetry(e), 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted.length).toBeGreaterThan(100);
  });
});
