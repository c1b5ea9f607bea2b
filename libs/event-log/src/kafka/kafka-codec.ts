import { isUtf8 } from 'node:buffer';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { TwinlogError, type EventEnvelope, type NewEvent, type StreamName } from '@twinlog/domain';
import type { RecordedEvent } from '../event-log.port';
import type { EventRow, StoredBody } from '../sqlite-index/sqlite-schema';
import {
  decodeEventBytes,
  decodeStoredEvent,
  encodeEventAs,
  type TelemetryEncoding,
} from '../shared/event-codec';
import { isCompactTelemetry } from '../shared/compact-telemetry';
import type { PackedBatch } from './replay-worker/packed-batch';

/** Type and schema version ride in headers so a consumer can skip an event without decoding it. */
export function toMessage(
  event: NewEvent,
  partition: number,
  telemetry: TelemetryEncoding = 'json',
): Message {
  return {
    key: event.twinId,
    value: encodeEventAs(event, telemetry),
    partition,
    timestamp: String(Date.parse(event.recordedAt)),
    headers: {
      'event-id': event.id,
      'event-type': event.type,
      'schema-version': String(event.schemaVersion),
      // With the key (twin) and timestamp (record time), all the stream index needs: it can
      // index an event without parsing it.
      'occurred-at': event.occurredAt,
      producer: event.producer,
    },
  };
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Decodes a message into a recorded event; throws a TwinlogError for a poison message. */
export function fromMessage(
  stream: StreamName,
  partition: number,
  message: KafkaMessage,
): RecordedEvent {
  return recorded(
    stream,
    partition,
    Number(message.offset),
    message.key?.toString('utf8'),
    message.value,
  );
}

/** The i-th message of a packed batch (a replay's fetch thread) as a recorded event. */
export function fromPacked(
  stream: StreamName,
  batch: PackedBatch,
  bytes: Buffer,
  i: number,
): RecordedEvent {
  const keyStart = i === 0 ? 0 : batch.valueEnds[i - 1]!;
  const keyEnd = batch.keyEnds[i]!;
  const valueEnd = batch.valueEnds[i]!;
  const offset = batch.offsets[i]!;
  const partition = batch.partition;
  if (valueEnd === keyEnd)
    return recorded(stream, partition, offset, keyText(bytes, keyStart, keyEnd), null);
  const event = decodeOrExplain(() => decodeEventBytes(bytes, keyEnd, valueEnd, offset));
  // The key is compared as bytes: decoding it too would be one more string per event.
  if (!sameText(bytes, keyStart, keyEnd, event.twinId))
    throw keyMismatch(keyText(bytes, keyStart, keyEnd), event.twinId);
  return { event, position: { stream, partition, offset } };
}

function keyText(bytes: Buffer, start: number, end: number): string | undefined {
  return end > start ? bytes.toString('utf8', start, end) : undefined;
}

/** Whether bytes [start, end) are the UTF-8 of `text` (ASCII compared in place). */
function sameText(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start === text.length) {
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      if (c !== bytes[start + i]) return false;
    }
    if (ascii) return true;
  }
  return bytes.toString('utf8', start, end) === text;
}

/** Decodes a message's value, naming bad JSON as such, and holds the event to its key. */
function recorded(
  stream: StreamName,
  partition: number,
  offset: number,
  key: string | undefined,
  value: Buffer | null | undefined,
): RecordedEvent {
  if (!value)
    throw new TwinlogError(
      'EVENT_INVALID',
      'Message has no value (a tombstone or an empty message)',
    );
  const event = decodeOrExplain(() => decodeStoredEvent(value, offset));
  if (key !== event.twinId) throw keyMismatch(key, event.twinId);
  return { event, position: { stream, partition, offset } };
}

function decodeOrExplain(decode: () => EventEnvelope): EventEnvelope {
  try {
    return decode();
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new TwinlogError('EVENT_INVALID', `Message is not valid JSON: ${error.message}`);
    throw error;
  }
}

function keyMismatch(key: string | undefined, twinId: string): TwinlogError {
  return new TwinlogError(
    'EVENT_INVALID',
    `Message key "${key}" differs from the event's twin id "${twinId}"`,
  );
}

/** A message's body as the stream index stores it: the compact bytes as they are, JSON as text. */
export function storedBodyOf(message: KafkaMessage): StoredBody {
  const value = message.value;
  if (!value) return '';
  return isCompactTelemetry(value) ? value : value.toString('utf8');
}

/**
 * A message's value for a dead letter: text when it is text, base64 when it is binary (the
 * compact telemetry form, or bytes that are not UTF-8).
 */
export function deadLetterPayload(message: KafkaMessage): {
  payload: string;
  payloadEncoding?: 'base64';
} {
  const value = message.value;
  if (!value) return { payload: '' };
  if (isCompactTelemetry(value) || !isUtf8(value))
    return { payload: value.toString('base64'), payloadEncoding: 'base64' };
  return { payload: value.toString('utf8') };
}

/**
 * The index columns of an event from its message's key, timestamp and headers, without parsing
 * the body; undefined for messages without those headers (older ones, foreign producers).
 */
export function indexFieldsOf(message: KafkaMessage): EventRow | undefined {
  const id = header(message.headers, 'event-id');
  const type = header(message.headers, 'event-type');
  const version = Number(header(message.headers, 'schema-version'));
  const occurredAtMs = Date.parse(header(message.headers, 'occurred-at') ?? '');
  const twinId = message.key?.toString('utf8');
  const recordedAtMs = Number(message.timestamp);
  if (!id || !type || !twinId || !Number.isInteger(version) || !Number.isFinite(occurredAtMs))
    return undefined;
  return { id, twinId, type, schemaVersion: version, occurredAtMs, recordedAtMs };
}
