import { asDecimal, fromDecimal, type NewEvent, type Reading } from '@twinlog/domain';
import { CompactWriter, NamesTable } from './compact-writer';
import { CompactTelemetryReader, type Telemetry } from './compact-telemetry-reader';

/**
 * The second compact form of TelemetryReported (docs/adr/0024), written since issue 26. The
 * first (format 0x01) spelled out every reading's id and time; here what can be derived is
 * not stored, which takes a reading from 66 bytes to about 12. Little-endian; "str" is a
 * varint byte length and UTF-8; "zz" a zigzag varint:
 *
 *   u8 0x02   u8 schemaVersion   str id   str twinId
 *   ref correlationId (0: the id)   ref causationId (0: null)
 *   time occurredAt: varint 0 + varint ms (the canonical form, toISOString's), or 1 + str
 *   recordedAt: varint 0 (= occurredAt), 1 + zz ms after occurredAt, or 2 + str
 *   varint n, n x str: the names table (producer, properties, units; each once)
 *   varint producer   varint count
 *   count x reading:
 *     varint property   varint unit
 *     occurredAt: zz 2 x (ms after the event's) when canonical; else 2 x length + 1, then UTF-8
 *     readingId: varint 0 = "twinId/property/occurredAt" (ingestion's default), 1 =
 *       "twinId/property/<ms>" (the plant simulator's), else 2 + str
 *     value: u8 0 + f64; or u8 1 + d, then zz m, the value being m / 10^d (d <= 15, |m| <= 2^53)
 *
 * Decimals are the domain's `asDecimal`: the value comes back bit for bit.
 */
export const COMPACT_TELEMETRY_V2 = 0x02;

/** ms when `text` is exactly the canonical UTC form of a time (what toISOString writes). */
function canonicalMs(text: string): number | undefined {
  if (text.length !== 24) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text ? ms : undefined;
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

export function encodeCompactTelemetryV2(event: NewEvent & { type: 'TelemetryReported' }): Buffer {
  const readings = event.data.readings;
  const table = new NamesTable();
  const names = table.names;
  const indexOf = (name: string): number => table.indexOf(name);
  const producer = indexOf(event.producer);
  for (const r of readings) {
    indexOf(r.property);
    indexOf(r.unit);
  }
  let textLength = event.id.length + event.twinId.length + event.correlationId.length;
  textLength +=
    (event.causationId ?? '').length + event.occurredAt.length + event.recordedAt.length;
  for (const name of names) textLength += name.length;
  for (const r of readings) textLength += r.readingId.length + r.occurredAt.length;
  const writer = new CompactWriter(3 * textLength + 10 * (names.length + 6) + 40 * readings.length);
  writer.byte(COMPACT_TELEMETRY_V2);
  writer.byte(event.schemaVersion);
  writer.text(event.id);
  writer.text(event.twinId);
  writer.ref(event.correlationId === event.id ? null : event.correlationId);
  writer.ref(event.causationId);
  const eventMs = canonicalMs(event.occurredAt);
  if (eventMs !== undefined && eventMs >= 0) {
    writer.varint(0);
    writer.varint(eventMs);
  } else {
    writer.varint(1);
    writer.text(event.occurredAt);
  }
  const recordedMs = canonicalMs(event.recordedAt);
  if (event.recordedAt === event.occurredAt) writer.varint(0);
  else if (recordedMs !== undefined && eventMs !== undefined && eventMs >= 0) {
    writer.varint(1);
    writer.varint(zigzag(recordedMs - eventMs));
  } else {
    writer.varint(2);
    writer.text(event.recordedAt);
  }
  writer.varint(names.length);
  for (const name of names) writer.text(name);
  writer.varint(producer);
  writer.varint(readings.length);
  for (const r of readings) {
    writer.varint(indexOf(r.property));
    writer.varint(indexOf(r.unit));
    const ms = eventMs !== undefined && eventMs >= 0 ? canonicalMs(r.occurredAt) : undefined;
    if (ms !== undefined) writer.varint(zigzag(ms - eventMs!) * 2);
    else {
      writer.varint(Buffer.byteLength(r.occurredAt, 'utf8') * 2 + 1);
      writer.raw(r.occurredAt);
    }
    const base = `${event.twinId}/${r.property}/`;
    if (r.readingId === base + r.occurredAt) writer.varint(0);
    else if (ms !== undefined && r.readingId === base + ms) writer.varint(1);
    else {
      writer.varint(2);
      writer.text(r.readingId);
    }
    const decimal = asDecimal(r.value);
    if (decimal) {
      writer.byte(1 + decimal[1]);
      writer.varint(zigzag(decimal[0]));
    } else {
      writer.byte(0);
      writer.double(r.value);
    }
  }
  return writer.done();
}

/**
 * Reads the second form from [start, end). Times written as ms come back in the canonical
 * form; `timesCanonical` tells the caller whether every time was (the others go through the
 * schema's checks).
 */
export class CompactTelemetryV2Reader extends CompactTelemetryReader {
  override telemetry(revision: number): Telemetry {
    if (this.pos >= this.end) throw new RangeError('message ends after its format byte');
    const schemaVersion = this.buf[this.pos++]!;
    const id = this.text();
    const twinId = this.text();
    const correlationId = this.ref() ?? id;
    const causationId = this.ref();
    let eventMs: number | undefined;
    let occurredAt: string;
    const occurredKind = this.varint();
    if (occurredKind === 0) {
      eventMs = this.varint();
      occurredAt = this.iso(eventMs);
    } else if (occurredKind === 1) occurredAt = this.time();
    else throw new RangeError(`unknown time kind ${occurredKind}`);
    const recordedKind = this.varint();
    let recordedAt: string;
    if (recordedKind === 0) recordedAt = occurredAt;
    else if (recordedKind === 1 && eventMs !== undefined)
      recordedAt = this.iso(eventMs + unzigzag(this.varint()));
    else if (recordedKind === 2) recordedAt = this.time();
    else throw new RangeError(`unknown record time kind ${recordedKind}`);
    const names = this.names();
    const producer = this.name(names);
    const count = this.varint();
    if (count > this.end - this.pos) throw new RangeError('more readings than bytes');
    const readings = new Array<Reading>(count);
    for (let i = 0; i < count; i++) {
      const property = this.name(names);
      const unit = this.name(names);
      const timeTag = this.varint();
      let ms: number | undefined;
      let time: string;
      if (timeTag % 2 === 0) {
        if (eventMs === undefined) throw new RangeError('a reading time relative to no event time');
        const delta = unzigzag(timeTag / 2);
        ms = eventMs + delta;
        time = delta === 0 ? occurredAt : this.iso(ms);
      } else time = this.textTime((timeTag - 1) / 2);
      const idKind = this.varint();
      const readingId =
        idKind === 0
          ? `${twinId}/${property}/${time}`
          : idKind === 1 && ms !== undefined
            ? `${twinId}/${property}/${ms}`
            : idKind === 2
              ? this.text()
              : this.fail(`unknown reading id kind ${idKind}`);
      readings[i] = { readingId, property, value: this.value(), unit, occurredAt: time };
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

  private fail(message: string): never {
    throw new RangeError(message);
  }

  private value(): number {
    if (this.pos >= this.end) throw new RangeError('message ends before a value');
    const tag = this.buf[this.pos++]!;
    if (tag === 0) {
      if (this.pos + 8 > this.end) throw new RangeError('message ends inside a value');
      const value = this.buf.readDoubleLE(this.pos);
      this.pos += 8;
      return value;
    }
    const decimals = tag - 1;
    if (decimals > 15) throw new RangeError(`unknown value tag ${tag}`);
    return fromDecimal(unzigzag(this.varint()), decimals);
  }

  /** A time written as ms, in the canonical form; outside years 0-9999 it is not canonical. */
  private iso(ms: number): string {
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) throw new RangeError(`time ${ms} ms is out of range`);
    const text = date.toISOString();
    if (text.length !== 24) this.timesCanonical = false;
    return text;
  }

  protected override varint(): number {
    if (this.pos >= this.end) throw new RangeError('message ends inside a number');
    const first = this.buf[this.pos++]!;
    if (first < 0x80) return first;
    let value = first & 0x7f;
    for (let shift = 7; shift < 56; shift += 7) {
      if (this.pos >= this.end) throw new RangeError('message ends inside a number');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw new RangeError('number beyond 2^53');
        return value;
      }
    }
    throw new RangeError('number longer than 8 bytes');
  }

  /** A reading's time kept as text (its length was in the tag): the schema checks it. */
  private textTime(length: number): string {
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('message ends inside a string');
    this.timesCanonical = false;
    return this.buf.toString('utf8', start, this.pos);
  }
}
