import type { EventEnvelope, EventOfType, Reading } from '@twinlog/domain';
import type { NamesCache } from './compact-names-cache';
import { isCanonicalUtcTime } from './fast-telemetry-check';

/** TelemetryReported as read from the log. */
export type Telemetry = EventEnvelope<EventOfType<'TelemetryReported'>>;

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

/** Reads one message at [start, end) of a buffer (a packed batch holds many). */
export class CompactTelemetryReader {
  protected pos: number;
  /** Every time so far was in the canonical UTC form, checked on its bytes. */
  timesCanonical = true;

  constructor(
    protected readonly buf: Buffer,
    start: number,
    protected readonly end: number,
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

  protected varint(): number {
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

  protected text(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    return utf8(this.buf, start, this.pos);
  }

  protected ref(isTime = false): string | null {
    const length = this.varint();
    if (length === 0) return null;
    const start = this.pos;
    this.pos += length - 1;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    if (isTime && !isCanonicalUtcTime(this.buf, start, this.pos)) this.timesCanonical = false;
    return utf8(this.buf, start, this.pos);
  }

  protected time(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    if (!isCanonicalUtcTime(this.buf, start, this.pos)) this.timesCanonical = false;
    return utf8(this.buf, start, this.pos);
  }

  protected name(names: string[]): string {
    const name = names[this.varint()];
    if (name === undefined) throw new RangeError('a reading names an entry the table lacks');
    return name;
  }

  /** The names table; the same table bytes (one twin type's events) decode to the same strings. */
  protected names(): string[] {
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
