import {
  parseEvent,
  TwinlogError,
  type EventEnvelope,
  type EventOfType,
  type Reading,
} from '@twinlog/domain';

type Telemetry = EventEnvelope<EventOfType<'TelemetryReported'>>;

/**
 * The compact telemetry form (see compact-telemetry.ts) read the plain way: public Buffer calls,
 * no names cache, no checks on the bytes, and every event validated by the general schema. It is
 * the yardstick the fast decoder is tested against (compact-telemetry.property.unit.spec.ts): both
 * must decode the same bytes to the same event, or both reject them. Not for production use.
 */
export function decodeCompactTelemetryPlainly(bytes: Buffer, offset: number): EventEnvelope {
  let event: Telemetry;
  try {
    event = readTelemetry(new PlainReader(bytes), offset + 1);
  } catch (error) {
    if (error instanceof RangeError)
      throw new TwinlogError(
        'EVENT_INVALID',
        `Compact telemetry message is malformed: ${error.message}`,
      );
    throw error;
  }
  return parseEvent(event);
}

function readTelemetry(reader: PlainReader, revision: number): Telemetry {
  reader.byte(); // the format
  const schemaVersion = reader.byte();
  const id = reader.text();
  const twinId = reader.text();
  const correlationId = reader.ref() ?? id;
  const causationId = reader.ref();
  const occurredAt = reader.text();
  const recordedAt = reader.ref() ?? occurredAt;
  const names: string[] = [];
  for (let n = reader.varint(); n > 0; n--) names.push(reader.text());
  const producer = reader.name(names);
  const readings: Reading[] = [];
  for (let n = reader.varint(); n > 0; n--) {
    const readingId = reader.text();
    const property = reader.name(names);
    const unit = reader.name(names);
    const value = reader.double();
    readings.push({ readingId, property, value, unit, occurredAt: reader.text() });
  }
  if (!reader.atEnd()) throw new RangeError('bytes left over after the readings');
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

class PlainReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  atEnd(): boolean {
    return this.pos === this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError('message ends early');
    return this.buf.readUInt8(this.pos++);
  }

  /** Little-endian base-128, at most 5 bytes. */
  varint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return value;
    }
    throw new RangeError('length longer than 5 bytes');
  }

  text(): string {
    return this.slice(this.varint());
  }

  ref(): string | null {
    const length = this.varint();
    return length === 0 ? null : this.slice(length - 1);
  }

  name(names: string[]): string {
    const name = names[this.varint()];
    if (name === undefined) throw new RangeError('a reading names an entry the table lacks');
    return name;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new RangeError('message ends inside a value');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  private slice(length: number): string {
    if (this.pos + length > this.buf.length) throw new RangeError('message ends inside a string');
    const text = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return text;
  }
}
