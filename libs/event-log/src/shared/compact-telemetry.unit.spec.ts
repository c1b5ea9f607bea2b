import type { KafkaMessage } from 'kafkajs';
import { isTwinlogError, type NewEvent } from '@twinlog/domain';
import { newEvent, telemetry } from '../testing/sample-events';
import { deadLetterPayload, fromPacked } from '../kafka/kafka-codec';
import { packBatch } from '../kafka/replay-worker/packed-batch';
import { decodeCompactTelemetry, encodeCompactTelemetry } from './compact-telemetry';
import { decodeStoredEvent, encodeEvent, encodeEventAs } from './event-codec';

type Telemetry = NewEvent & { type: 'TelemetryReported' };

function machineEvent(twinId: string, readings = 10, overrides: Partial<NewEvent> = {}): Telemetry {
  const units = { temperature: '°C', vibration: 'mm/s', spindle_speed: 'rpm' } as const;
  const names = Object.keys(units) as Array<keyof typeof units>;
  return newEvent(
    twinId,
    {
      type: 'TelemetryReported',
      data: {
        readings: Array.from({ length: readings }, (_, i) => ({
          readingId: `${twinId}-r${i}`,
          property: names[i % names.length]!,
          value: 20 + i / 3,
          unit: units[names[i % names.length]!],
          occurredAt: new Date(Date.UTC(2026, 10, 27, 6, 0, i)).toISOString(),
        })),
      },
    },
    {
      occurredAt: '2026-11-27T06:00:10.000Z',
      recordedAt: '2026-11-27T06:00:10.250Z',
      ...overrides,
    },
  ) as Telemetry;
}

function expectInvalid(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isTwinlogError(caught) && caught.code).toBe('EVENT_INVALID');
  expect((caught as Error).message).toMatch(message);
}

describe('compact telemetry encoding', () => {
  it('decodes to exactly the event the JSON form decodes to', () => {
    const cases: Telemetry[] = [
      machineEvent('mill-1'),
      machineEvent('mill-2', 1, { causationId: 'cmd-7', correlationId: 'request-42' }),
      // Same correlation id and record time as the defaults the encoding abbreviates.
      machineEvent('mill-3', 3, { recordedAt: '2026-11-27T06:00:10.000Z' }),
      telemetry('pump-ü', 21.5, '2026-11-27T06:00:00+01:00') as Telemetry,
    ];
    cases[2] = { ...cases[2]!, correlationId: cases[2]!.id };
    for (const event of cases) {
      const fromJson = decodeStoredEvent(encodeEvent(event), 41);
      const fromCompact = decodeCompactTelemetry(encodeCompactTelemetry(event), 41);
      expect(fromCompact).toEqual(fromJson);
      expect(fromCompact.revision).toBe(42);
    }
  });

  it('is less than half the size of JSON for a typical batch of readings', () => {
    const event = machineEvent('cnc-01-spindle-motor');
    const compact = encodeCompactTelemetry(event).length;
    const json = Buffer.byteLength(encodeEvent(event));
    expect(compact).toBeLessThan(json / 2);
  });

  it("keeps each twin type's names apart when events of different types alternate", () => {
    const a = machineEvent('mill-1', 4);
    const b = newEvent('pump-1', {
      type: 'TelemetryReported',
      data: {
        readings: [
          { readingId: 'p1', property: 'flow', value: 3, unit: 'L/min', occurredAt: a.occurredAt },
        ],
      },
    }) as Telemetry;
    for (const event of [a, b, a, b]) {
      expect(decodeCompactTelemetry(encodeCompactTelemetry(event), 0).data.readings).toEqual(
        event.data.readings,
      );
    }
  });

  it('is written only for telemetry, and only when asked for', () => {
    const event = machineEvent('mill-1');
    expect(encodeEventAs(event, 'compact')).toBeInstanceOf(Buffer);
    expect(typeof encodeEventAs(event, 'json')).toBe('string');
    const registered = newEvent('mill-1', {
      type: 'TwinRetired',
      data: { reason: 'scrapped' },
    });
    expect(typeof encodeEventAs(registered, 'compact')).toBe('string');
  });

  it('reads stored bodies of either form: JSON text, JSON bytes, compact bytes', () => {
    const event = machineEvent('mill-1', 2);
    const expected = decodeStoredEvent(encodeEvent(event), 0);
    expect(decodeStoredEvent(Buffer.from(encodeEvent(event)), 0)).toEqual(expected);
    const compact = encodeCompactTelemetry(event);
    // node:sqlite hands BLOBs back as plain Uint8Arrays.
    expect(decodeStoredEvent(new Uint8Array(compact), 0)).toEqual(expected);
  });

  it('rejects truncated and padded messages as invalid, never as a crash', () => {
    const bytes = encodeCompactTelemetry(machineEvent('mill-1', 3));
    for (const cut of [2, 10, bytes.length - 5, bytes.length - 1])
      expectInvalid(() => decodeCompactTelemetry(bytes.subarray(0, cut), 0), /malformed/);
    expectInvalid(
      () => decodeCompactTelemetry(Buffer.concat([bytes, Buffer.of(0)]), 0),
      /malformed: 1 bytes left over/,
    );
  });

  it('checks fields by the schema, naming the bad one', () => {
    const bad = machineEvent('mill-1', 2);
    bad.data.readings[1]!.value = Number.NaN;
    expectInvalid(
      () => decodeCompactTelemetry(encodeCompactTelemetry(bad), 0),
      /readings\.1\.value/,
    );
    const late = machineEvent('mill-1', 2);
    late.data.readings[0]!.occurredAt = '27/11/2026 06:00';
    expectInvalid(
      () => decodeCompactTelemetry(encodeCompactTelemetry(late), 0),
      /readings\.0\.occurredAt/,
    );
  });

  it('refuses a time out of range even in the canonical shape', () => {
    const bad = machineEvent('mill-1', 2);
    bad.data.readings[1]!.occurredAt = '2026-13-27T06:00:00.000Z';
    expectInvalid(
      () => decodeCompactTelemetry(encodeCompactTelemetry(bad), 0),
      /readings\.1\.occurredAt/,
    );
  });

  it('decodes messages packed side by side, holding each to its own key', () => {
    const events = [
      machineEvent('mill-1', 3),
      machineEvent('pump-ü', 2),
      machineEvent('mill-2', 1),
    ];
    const message = (key: string, event: Telemetry) =>
      ({
        key: Buffer.from(key),
        value: encodeCompactTelemetry(event),
        offset: '7',
        timestamp: '0',
      }) as unknown as KafkaMessage;
    const packed = packBatch(0, [
      message('mill-1', events[0]!),
      message('pump-ü', events[1]!),
      message('mill-9', events[2]!),
    ]);
    const bytes = Buffer.from(
      packed.bytes.buffer,
      packed.bytes.byteOffset,
      packed.bytes.byteLength,
    );
    expect(fromPacked('telemetry', packed, bytes, 0).event.data).toEqual(events[0]!.data);
    expect(fromPacked('telemetry', packed, bytes, 1).event.twinId).toBe('pump-ü');
    expectInvalid(() => fromPacked('telemetry', packed, bytes, 2), /key "mill-9" differs/);
  });

  it('goes to a dead letter as base64, so the exact bytes can be recovered', () => {
    const bytes = encodeCompactTelemetry(machineEvent('mill-1', 2));
    const letter = deadLetterPayload({ value: bytes } as KafkaMessage);
    expect(letter.payloadEncoding).toBe('base64');
    expect(Buffer.from(letter.payload, 'base64').equals(bytes)).toBe(true);
    expect(deadLetterPayload({ value: Buffer.from('{"not":"an event"}') } as KafkaMessage)).toEqual(
      {
        payload: '{"not":"an event"}',
      },
    );
  });
});
