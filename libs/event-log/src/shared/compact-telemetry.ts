import { parseEvent, TwinlogError, type NewEvent, type Reading } from '@twinlog/domain';
import { NamesCache, threadNamesCache } from './compact-names-cache';
import { CompactTelemetryReader, type Telemetry } from './compact-telemetry-reader';
import { CompactWriter, NamesTable } from './compact-writer';
import {
  COMPACT_TELEMETRY_V2,
  CompactTelemetryV2Reader,
  encodeCompactTelemetryV2,
} from './compact-telemetry-v2';
import { isValidTelemetryReported } from './fast-telemetry-check';

/**
 * The compact encoding of TelemetryReported, the log's high-volume event (ADR 0009). JSON
 * spent most of a rebuild's decoding time in parsing; this form is read straight from the
 * message bytes and is less than half the size. Little-endian; a "str"
 * is a varint byte length and UTF-8; a "ref" is a varint of the length + 1, or 0 for the
 * default stated:
 *
 *   u8 0x01 (the format; a JSON event starts with "{")   u8 schemaVersion
 *   str id   str twinId   ref correlationId (0: the id)   ref causationId (0: null)
 *   str occurredAt   ref recordedAt (0: occurredAt)
 *   varint n, n x str: the names table (producer, properties, units; each once)
 *   varint producer (a table index)   varint count
 *   count x (str readingId, varint property, varint unit, f64 value, str occurredAt)
 *
 * (Cutting columns of texts out of one decoded string was tried: decoding got cheaper, but the
 * state then held slices of whole columns, and folding and collecting them cost more.)
 * Decoding checks every field by the schema's rules, like any event read from the log.
 */
export const COMPACT_TELEMETRY_FORMAT = 0x01;

/** True when stored bytes hold a compact telemetry form (either) rather than JSON. */
export function isCompactTelemetry(bytes: Uint8Array): boolean {
  return bytes.length > 0 && isCompactFormat(bytes[0]!);
}

/** The first byte of a compact form: 0x01 (still read) or 0x02 (written: compact-telemetry-v2.ts). */
export function isCompactFormat(first: number): boolean {
  return first === COMPACT_TELEMETRY_FORMAT || first === COMPACT_TELEMETRY_V2;
}

/** The second compact form (docs/adr/0024): the embedded log's, and Kafka's with `compact-v2`. */
export function encodeCompactTelemetry(event: NewEvent & { type: 'TelemetryReported' }): Buffer {
  return encodeCompactTelemetryV2(event);
}

function readingsText(readings: Reading[]): number {
  let length = 0;
  for (const r of readings) length += r.readingId.length + r.occurredAt.length;
  return length;
}

/** The first compact form: what `compact` writes on Kafka (ADR 0009). */
export function encodeCompactTelemetryV1(event: NewEvent & { type: 'TelemetryReported' }): Buffer {
  const readings = event.data.readings;
  const table = new NamesTable();
  const names = table.names;
  const indexOf = (name: string): number => table.indexOf(name);
  const producer = indexOf(event.producer);
  const refs = readings.map((r) => [indexOf(r.property), indexOf(r.unit)] as const);
  const headerText = [
    event.id,
    event.twinId,
    event.correlationId,
    event.causationId ?? '',
    event.occurredAt,
    event.recordedAt,
  ];
  const textLength = (texts: string[]) => texts.reduce((sum, t) => sum + t.length, 0);
  const writer = new CompactWriter(
    3 * (textLength(headerText) + textLength(names) + readingsText(readings)) +
      5 * (headerText.length + names.length + 4 * readings.length + 6) +
      8 * readings.length,
  );
  writer.byte(COMPACT_TELEMETRY_FORMAT);
  writer.byte(event.schemaVersion);
  writer.text(event.id);
  writer.text(event.twinId);
  writer.ref(event.correlationId === event.id ? null : event.correlationId);
  writer.ref(event.causationId);
  writer.text(event.occurredAt);
  writer.ref(event.recordedAt === event.occurredAt ? null : event.recordedAt);
  writer.varint(names.length);
  for (const name of names) writer.text(name);
  writer.varint(producer);
  writer.varint(readings.length);
  readings.forEach((r, i) => {
    writer.text(r.readingId);
    writer.varint(refs[i]![0]);
    writer.varint(refs[i]![1]);
    writer.double(r.value);
    writer.text(r.occurredAt);
  });
  return writer.done();
}

/** Reads the compact form back; the revision comes from the offset. Throws EVENT_INVALID for bad bytes. */
export function decodeCompactTelemetry(
  bytes: Buffer,
  offset: number,
  start = 0,
  end = bytes.length,
  names: NamesCache = threadNamesCache,
): Telemetry {
  let event: Telemetry;
  const reader =
    bytes[start] === COMPACT_TELEMETRY_V2
      ? new CompactTelemetryV2Reader(bytes, start, end, names)
      : new CompactTelemetryReader(bytes, start, end, names);
  try {
    event = reader.telemetry(offset + 1);
  } catch (error) {
    if (error instanceof RangeError)
      throw new TwinlogError(
        'EVENT_INVALID',
        `Compact telemetry message is malformed: ${error.message}`,
      );
    throw error;
  }
  if (isValidTelemetryReported(event, reader.timesCanonical)) return event;
  // Let the general schema name the bad field (or upcast an older version).
  return parseEvent(event) as Telemetry;
}
