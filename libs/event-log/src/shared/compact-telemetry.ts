import {
  parseEvent,
  TwinlogError,
  type EventEnvelope,
  type EventOfType,
  type NewEvent,
  type Reading,
} from '@twinlog/domain';
import { isCanonicalUtcTime, isValidTelemetryReported } from './fast-telemetry-check';

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

type Telemetry = EventEnvelope<EventOfType<'TelemetryReported'>>;

/**
 * A UTF-8 string from bytes the caller has bounds-checked. Buffer's own utf8Slice is what
 * Buffer#toString calls after checking its arguments. It is not public API, but the public
 * call measured slower: decoding ran at 350-405k events/s with toString(utf8, a, b) against
 * 460-495k with utf8Slice (Node 26, 10 readings per event, A/B in one run, 2026-12-06). So it
 * stays, with toString where a Node.js build lacks it; compact-telemetry.reference.ts uses
 * toString, and its property test holds the two decoders to the same results.
 */
type Utf8Slicing = Buffer & { utf8Slice?(start: number, end: number): string };
const utf8: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Utf8Slicing).utf8Slice === 'function'
    ? (buf, start, end) => (buf as Utf8Slicing).utf8Slice!(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

/** True when stored bytes hold the compact telemetry form rather than JSON. */
export function isCompactTelemetry(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === COMPACT_TELEMETRY_FORMAT;
}

function readingsText(readings: Reading[]): number {
  let length = 0;
  for (const r of readings) length += r.readingId.length + r.occurredAt.length;
  return length;
}

export function encodeCompactTelemetry(event: NewEvent & { type: 'TelemetryReported' }): Buffer {
  const readings = event.data.readings;
  const names: string[] = [];
  const index = new Map<string, number>();
  const indexOf = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = names.push(name) - 1;
      index.set(name, i);
    }
    return i;
  };
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
  const writer = new Writer(
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
  const reader = new Reader(bytes, start, end, names);
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

/** Reads one message at [start, end) of a buffer (a packed batch holds many). */
class Reader {
  private pos: number;
  /** Every time so far was in the canonical UTC form, checked on its bytes. */
  timesCanonical = true;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
    private readonly namesCache: NamesCache,
  ) {
    this.pos = start + 1;
  }

  telemetry(revision: number): Telemetry {
    if (this.pos >= this.end) throw new RangeError('message ends after its format byte');
    const schemaVersion = this.buf[this.pos++]!;
    const id = this.text();
    const twinId = this.text();
    const correlationId = this.ref() ?? id;
    const causationId = this.ref();
    const occurredAt = this.time();
    const recordedAt = this.ref(true) ?? occurredAt;
    const names = this.names();
    const producer = this.name(names);
    const count = this.varint();
    const readings = new Array<Reading>(count);
    for (let i = 0; i < count; i++) {
      const readingId = this.text();
      const property = this.name(names);
      const unit = this.name(names);
      if (this.pos + 8 > this.end) throw new RangeError('message ends inside a value');
      const value = this.buf.readDoubleLE(this.pos);
      this.pos += 8;
      readings[i] = { readingId, property, value, unit, occurredAt: this.time() };
    }
    if (this.pos !== this.end)
      throw new RangeError(`${this.end - this.pos} bytes left over after the readings`);
    return {
      id,
      twinId,
      type: 'TelemetryReported',
      revision,
      schemaVersion: schemaVersion as 2,
      occurredAt,
      recordedAt,
      correlationId,
      causationId,
      producer,
      data: { readings },
    };
  }

  private varint(): number {
    if (this.pos >= this.end) throw new RangeError('message ends inside a length');
    const first = this.buf[this.pos++]!;
    if (first < 0x80) return first;
    let value = first & 0x7f;
    for (let shift = 7; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new RangeError('message ends inside a length');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new RangeError('length longer than 5 bytes');
  }

  private text(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    return utf8(this.buf, start, this.pos);
  }

  private ref(isTime = false): string | null {
    const length = this.varint();
    if (length === 0) return null;
    const start = this.pos;
    this.pos += length - 1;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    if (isTime && !isCanonicalUtcTime(this.buf, start, this.pos)) this.timesCanonical = false;
    return utf8(this.buf, start, this.pos);
  }

  private time(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    if (!isCanonicalUtcTime(this.buf, start, this.pos)) this.timesCanonical = false;
    return utf8(this.buf, start, this.pos);
  }

  private name(names: string[]): string {
    const name = names[this.varint()];
    if (name === undefined) throw new RangeError('a reading names an entry the table lacks');
    return name;
  }

  /** The names table; the same table bytes (one twin type's events) decode to the same strings. */
  private names(): string[] {
    const count = this.varint();
    const start = this.pos;
    for (let i = 0; i < count; i++) {
      const length = this.varint();
      this.pos += length;
    }
    if (this.pos > this.end) throw new RangeError('message ends inside the names table');
    const end = this.pos;
    const known = this.namesCache.find(this.buf, start, end);
    if (known) return known;
    this.pos = start;
    const names = new Array<string>(count);
    for (let i = 0; i < count; i++) names[i] = this.text();
    this.namesCache.add(this.buf.subarray(start, end), names);
    return names;
  }
}

/**
 * Recently decoded names tables, found by their bytes: a plant has a few twin types, so nearly
 * every event's table was seen moments ago, and reusing its strings saves allocating them again.
 * Sharing one between decoders is safe: an entry holds a copy of the table's exact bytes, its
 * strings are immutable, and it keeps the 32 most recent tables.
 */
export class NamesCache {
  private readonly entries: Array<{ bytes: Buffer; names: string[] }> = [];

  find(buf: Buffer, start: number, end: number): string[] | undefined {
    for (let e = 0; e < this.entries.length; e++) {
      const entry = this.entries[e]!;
      if (!sameBytes(entry.bytes, buf, start, end)) continue;
      if (e > 0) this.entries.unshift(...this.entries.splice(e, 1));
      return entry.names;
    }
    return undefined;
  }

  add(bytes: Buffer, names: string[]): void {
    this.entries.unshift({ bytes: Buffer.from(bytes), names });
    if (this.entries.length > 32) this.entries.pop();
  }
}

function sameBytes(a: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/**
 * The cache every decode on this thread uses unless given another: one per module instance,
 * so one per thread (a worker thread that loads the codec has its own).
 */
export const threadNamesCache = new NamesCache();

/**
 * Writes into a scratch buffer sized for the worst case (3 UTF-8 bytes per UTF-16 unit), then
 * copies out exactly what was written: one allocation per event.
 */
class Writer {
  private static scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly buf: Buffer;
  private pos = 0;

  constructor(worstCase: number) {
    if (Writer.scratch.length < worstCase) Writer.scratch = Buffer.allocUnsafe(worstCase * 2);
    this.buf = Writer.scratch;
  }

  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  text(value: string): void {
    this.varint(Buffer.byteLength(value, 'utf8'));
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  ref(value: string | null): void {
    if (value === null) return this.varint(0);
    this.varint(Buffer.byteLength(value, 'utf8') + 1);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  double(value: number): void {
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
