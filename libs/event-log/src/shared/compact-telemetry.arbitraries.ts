import fc from 'fast-check';
import type { NewEvent } from '@twinlog/domain';

// Generators of TelemetryReported events for the compact forms' property tests.
export type Telemetry = NewEvent & { type: 'TelemetryReported' };

/** Stand-ins replaced by the ids ingestion and the plant simulator derive. */
const DEFAULT_ID = '\u0000default';
const MS_ID = '\u0000ms';

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
export function events(good: boolean): fc.Arbitrary<Telemetry> {
  const text = good ? goodText : wildText;
  const time = good ? fc.oneof(canonicalTime, fc.constant('2026-03-01T10:00:01+01:00')) : wildTime;
  const reading = fc.record({
    readingId: fc.oneof(text, fc.constantFrom(DEFAULT_ID, MS_ID)),
    property: good
      ? fc.constantFrom('temperature', 'vibration', 'spindle_speed', '°')
      : fc.constantFrom('temperature', ''),
    value: good
      ? fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer().map((i) => i / 1000),
          fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
          fc.constantFrom(0.1 + 0.2, 1e-7, 123456.789, -0, 2 ** 52, 1e21),
        )
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
          data: {
            readings: e.readings.map((r) => ({
              ...r,
              readingId:
                r.readingId === DEFAULT_ID
                  ? `${e.twinId}/${r.property}/${r.occurredAt}`
                  : r.readingId === MS_ID
                    ? `${e.twinId}/${r.property}/${Date.parse(r.occurredAt)}`
                    : r.readingId,
            })),
          },
        }) as unknown as Telemetry,
    );
}
export const telemetryEvent = fc.oneof(events(true), events(false));
