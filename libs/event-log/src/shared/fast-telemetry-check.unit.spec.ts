import fc from 'fast-check';
import { envelopeSchema, EVENT_DATA_SCHEMAS } from '@twinlog/domain';
import { fastTelemetryCheck, isCanonicalUtcTime } from './fast-telemetry-check';

// The fast path must never accept what the schema rejects, and must return what it returns.
const good = {
  id: 'e-1',
  twinId: 'cnc-1',
  type: 'TelemetryReported',
  revision: 7,
  schemaVersion: 2,
  occurredAt: '2026-03-01T10:00:00.500Z',
  recordedAt: '2026-03-01T10:00:01+01:00',
  correlationId: 'c-1',
  causationId: null,
  producer: 'ingestion',
  data: {
    readings: [
      {
        readingId: 'r-1',
        property: 'temperature',
        value: 41.5,
        unit: '°C',
        occurredAt: '2026-03-01T10:00:00Z',
        extra: 1,
      },
    ],
  },
};

function schemaAccepts(raw: Record<string, unknown>): unknown {
  const envelope = envelopeSchema.safeParse(raw);
  const data = EVENT_DATA_SCHEMAS.TelemetryReported.safeParse(raw['data']);
  return envelope.success && data.success ? { ...envelope.data, data: data.data } : undefined;
}

const variants: Array<[string, Record<string, unknown>]> = [
  ['valid', good],
  ['revision 0', { ...good, revision: 0 }],
  ['fractional revision', { ...good, revision: 1.5 }],
  ['empty twin id', { ...good, twinId: '' }],
  ['bad month', { ...good, occurredAt: '2026-13-01T10:00:00Z' }],
  ['31 November', { ...good, occurredAt: '2026-11-31T10:00:00Z' }],
  ['30 February', { ...good, recordedAt: '2026-02-30T10:00:00+01:00' }],
  ['29 February of a common year', { ...good, occurredAt: '2026-02-29T10:00:00Z' }],
  ['29 February of a leap year', { ...good, occurredAt: '2028-02-29T10:00:00Z' }],
  ['29 February 2000', { ...good, occurredAt: '2000-02-29T10:00:00Z' }],
  ['29 February 2100', { ...good, occurredAt: '2100-02-29T10:00:00Z' }],
  [
    'a reading on 31 April',
    {
      ...good,
      data: { readings: [{ ...good.data.readings[0], occurredAt: '2026-04-31T00:00:00Z' }] },
    },
  ],
  ['no offset', { ...good, recordedAt: '2026-03-01T10:00:00' }],
  ['date only', { ...good, occurredAt: '2026-03-01' }],
  ['numeric causation', { ...good, causationId: 5 }],
  ['string causation', { ...good, causationId: 'cmd-1' }],
  ['no readings', { ...good, data: { readings: [] } }],
  ['string value', { ...good, data: { readings: [{ ...good.data.readings[0], value: '41' }] } }],
  ['null value', { ...good, data: { readings: [{ ...good.data.readings[0], value: null }] } }],
  [
    'missing unit',
    { ...good, data: { readings: [{ ...good.data.readings[0], unit: undefined }] } },
  ],
  ['reading not an object', { ...good, data: { readings: [42] } }],
  ['empty producer', { ...good, producer: '' }],
];

describe('fast TelemetryReported check', () => {
  it.each(variants)('agrees with the schema: %s', (_label, raw) => {
    const fast = fastTelemetryCheck(raw);
    const schema = schemaAccepts(raw);
    if (fast) expect(fast).toEqual(schema);
    else if (schema)
      throw new Error(
        'fast path rejected something the schema accepts (allowed, but not for these cases)',
      );
  });

  it('agrees with the schema on any time shaped like a timestamp, calendar included', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const time = fc
      .tuple(
        fc.integer({ min: 1896, max: 2104 }),
        two(13),
        two(32),
        two(24),
        two(60),
        two(60),
        fc.constantFrom('Z', '.5Z', '.123Z', '+01:00', '-23:59'),
      )
      .map(([y, mo, d, h, mi, s, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${z}`);
    const bytes = (text: string) => new TextEncoder().encode(text);
    fc.assert(
      fc.property(time, (t) => {
        const raw = { ...good, occurredAt: t };
        expect(Boolean(fastTelemetryCheck(raw))).toBe(Boolean(schemaAccepts(raw)));
        if (isCanonicalUtcTime(bytes(t), 0, bytes(t).length))
          expect(schemaAccepts(raw)).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for a valid event and leaves other types to the schema', () => {
    expect(fastTelemetryCheck(good)).toBeDefined();
    expect(fastTelemetryCheck({ ...good, type: 'TwinRetired' })).toBeUndefined();
    expect(fastTelemetryCheck({ ...good, schemaVersion: 1 })).toBeUndefined();
  });
});

describe('canonical UTC times checked on their bytes', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const check = (text: string) => isCanonicalUtcTime(bytes(`xx${text}`), 2, 2 + bytes(text).length);

  it("accepts exactly the canonical form, within the ISO pattern's ranges", () => {
    for (const ok of [
      '2026-11-27T06:00:00.000Z',
      '1999-01-31T23:59:59.999Z',
      '2028-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
    ])
      expect(check(ok)).toBe(true);
  });

  it('leaves every other form to the pattern, and refuses what the pattern refuses', () => {
    for (const other of [
      '2026-13-27T06:00:00.000Z',
      '2026-00-27T06:00:00.000Z',
      '2026-11-32T06:00:00.000Z',
      '2026-11-31T06:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2026-11-00T06:00:00.000Z',
      '2026-11-27T24:00:00.000Z',
      '2026-11-27T06:60:00.000Z',
      '2026-11-27T06:00:60.000Z',
      '2026-11-27t06:00:00.000Z',
      '2026-11-27T06:00:00.000z',
      '2026-11-27T06:00:00,000Z',
      '2026-11-27T06:00:00.00AZ',
      '2026-11-27T06:00:00Z',
      '2026-11-27T06:00:00.000+01:00',
      '',
    ])
      expect(check(other)).toBe(false);
  });
});
