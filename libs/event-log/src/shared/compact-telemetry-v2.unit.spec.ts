import fc from 'fast-check';
import { isTwinlogError } from '@twinlog/domain';
import {
  decodeCompactTelemetry,
  encodeCompactTelemetry,
  encodeCompactTelemetryV1,
} from './compact-telemetry';
import { COMPACT_TELEMETRY_V2 } from './compact-telemetry-v2';
import { decodeEvent, decodeStoredEvent, encodeEvent, encodeEventAs } from './event-codec';
import { events, telemetryEvent, type Telemetry } from './compact-telemetry.arbitraries';
import { NamesCache } from './compact-names-cache';

function outcome(decode: () => unknown): unknown {
  try {
    return { event: decode() };
  } catch (error) {
    return {
      rejected: isTwinlogError(error) ? error.code : `not a TwinlogError: ${String(error)}`,
    };
  }
}

const fresh = () => new NamesCache();

// The second compact form stores less (derived ids and times, decimals), never something else:
// any event, valid or not, decodes exactly as from the first form (held to the plain reference
// in compact-telemetry.reference.unit.spec.ts), or is refused with the same code.
describe('compact telemetry, second form', () => {
  it('decodes any event exactly as JSON and the first form do, values bit for bit', () => {
    fc.assert(
      fc.property(telemetryEvent, fc.nat(1_000_000), (event, offset) => {
        const v2 = encodeCompactTelemetry(event);
        expect(v2[0]).toBe(COMPACT_TELEMETRY_V2);
        const v1 = encodeCompactTelemetryV1(event);
        const a = outcome(() => decodeCompactTelemetry(v2, offset, 0, v2.length, fresh()));
        expect(a).toStrictEqual(
          outcome(() => decodeCompactTelemetry(v1, offset, 0, v1.length, fresh())),
        );
        // The written form (compact unless a string has no UTF-8 form) reads as JSON does
        // (compared through JSON: it cannot hold -0, which the compact forms keep).
        const stored = encodeEventAs(event, 'compact-v2');
        const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
        expect(asJson(outcome(() => decodeStoredEvent(stored, offset)))).toStrictEqual(
          asJson(outcome(() => decodeEvent(encodeEvent(event), offset))),
        );
        const decoded = (a as { event?: Telemetry }).event;
        if (decoded)
          decoded.data.readings.forEach((r, i) =>
            expect(Object.is(r.value, event.data.readings[i]!.value)).toBe(true),
          );
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps a string with a lone surrogate exactly, in JSON', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const event = {
      id: 'e-1',
      twinId: 'm',
      type: 'TelemetryReported',
      schemaVersion: 2,
      occurredAt: at,
      recordedAt: at,
      correlationId: 'e-1',
      causationId: null,
      producer: 'ingestion',
      data: {
        readings: [{ readingId: 'id\uD800x', property: 'p', value: 1, unit: '1', occurredAt: at }],
      },
    } as Telemetry;
    const stored = encodeEventAs(event, 'compact-v2');
    expect(typeof stored).toBe('string');
    expect((decodeStoredEvent(stored, 0) as Telemetry).data.readings[0]!.readingId).toBe(
      'id\uD800x',
    );
  });

  it('refuses cut and most damaged bytes as EVENT_INVALID, never with another error', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        events(true),
        fc.noBias(fc.nat()),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (event, at, byte, cut) => {
          const bytes = Buffer.from(encodeCompactTelemetry(event));
          const i = 1 + (at % (bytes.length - 1));
          const damaged = cut ? bytes.subarray(0, i) : ((bytes[i] = byte), bytes);
          const result = outcome(() =>
            decodeCompactTelemetry(damaged, 0, 0, damaged.length, fresh()),
          );
          if ('rejected' in (result as object)) {
            refused++;
            // A damaged schema version byte is a version this build does not read.
            expect(['EVENT_INVALID', 'EVENT_VERSION_UNSUPPORTED']).toContain(
              (result as { rejected: string }).rejected,
            );
          }
        },
      ),
      { numRuns: 3_000 },
    );
    // A changed value byte can decode to another value (no checksum: Kafka's batches and the
    // disk have their own); cut bytes and changed lengths and kinds are refused.
    expect(refused).toBeGreaterThan(1_000);
  });

  it('takes a gateway reading in under a quarter of the first form', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const event: Telemetry = {
      id: 'a3c1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      twinId: 'cnc-01-spindle',
      type: 'TelemetryReported',
      schemaVersion: 2,
      occurredAt: at,
      recordedAt: '2026-12-07T10:00:00.412Z',
      correlationId: 'b3c1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      causationId: null,
      producer: 'ingestion',
      data: {
        readings: Array.from({ length: 30 }, (_, i) => {
          const time = new Date(Date.parse(at) + Math.floor(i / 3) * 1000).toISOString();
          const property = ['temperature', 'vibration_rms', 'speed'][i % 3]!;
          return {
            readingId: `cnc-01-spindle/${property}/${time}`,
            property,
            value: Math.round(Math.sin(i) * 100_000) / 1000,
            unit: ['°C', 'mm/s', 'rpm'][i % 3]!,
            occurredAt: time,
          };
        }),
      },
    } as Telemetry;
    const v1 = encodeCompactTelemetryV1(event).length;
    const v2 = encodeCompactTelemetry(event).length;
    // Per reading: 2 name refs, a 1-2 byte time, a 1-byte id kind, a 1 + 3 byte decimal (9);
    // the event's header (ids, twin, names table: 160 bytes) shared by 30.
    expect(v2 / 30).toBeLessThan(16);
    expect(v2).toBeLessThan(v1 / 4);
  });
});
