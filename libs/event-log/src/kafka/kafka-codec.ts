import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { TwinlogError, type NewEvent, type StreamName } from '@twinlog/domain';
import type { RecordedEvent } from '../event-log.port';
import { decodeEvent, encodeEvent } from '../shared/event-codec';

/** Type and schema version ride in headers so a consumer can skip an event without decoding it. */
export function toMessage(event: NewEvent, partition: number): Message {
  return {
    key: event.twinId,
    value: encodeEvent(event),
    partition,
    timestamp: String(Date.parse(event.recordedAt)),
    headers: {
      'event-id': event.id,
      'event-type': event.type,
      'schema-version': String(event.schemaVersion),
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
  const offset = Number(message.offset);
  if (!message.value)
    throw new TwinlogError(
      'EVENT_INVALID',
      'Message has no value (a tombstone or an empty message)',
    );
  let event;
  try {
    event = decodeEvent(message.value.toString('utf8'), offset);
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new TwinlogError('EVENT_INVALID', `Message is not valid JSON: ${error.message}`);
    throw error;
  }
  const key = message.key?.toString('utf8');
  if (key !== event.twinId) {
    throw new TwinlogError(
      'EVENT_INVALID',
      `Message key "${key}" differs from the event's twin id "${event.twinId}"`,
    );
  }
  return { event, position: { stream, partition, offset } };
}
