import { bounded, type IncomingReading } from '@twinlog/domain';
import type { InboundMessage } from './mqtt-session-options';
import { parseMqttPayload, parsePropertyPayload } from './mqtt-payload';
import type { TopicPattern } from './topic-pattern';

/** What one MQTT message became: readings for the intake, or a reason it is refused unread. */
export type ReadMessage =
  | { message: InboundMessage; origin: string; readings: IncomingReading[] }
  | {
      message: InboundMessage;
      origin: string;
      refused: { code: string; message: string };
      /** Set once the refusal is in the dead-letter topic: a retried batch does not record it twice. */
      lettered?: boolean;
    };

export interface MqttTopics {
  /** The message form: one reading, an array, or `{ "readings": [...] }`. */
  telemetry: TopicPattern;
  /** The compact per-property form, when enabled. */
  property?: TopicPattern;
  maxPayloadBytes: number;
}

/** Reads one message by its topic: the telemetry pattern first, then the per-property one. */
export function readMessage(message: InboundMessage, topics: MqttTopics): ReadMessage {
  const origin = `MQTT ${bounded(message.topic, 256)}`;
  const refuse = (code: string, text: string): ReadMessage => ({
    message,
    origin,
    refused: { code, message: text },
  });
  if (message.payload.length > topics.maxPayloadBytes) {
    return refuse(
      'BODY_TOO_LARGE',
      `The message holds ${message.payload.length} bytes; at most ${topics.maxPayloadBytes} are read (INGESTION_MAX_BODY_BYTES)`,
    );
  }
  const levels = topics.telemetry.match(message.topic);
  if (levels?.['twinId']) {
    const parsed = parseMqttPayload(message.payload, levels['twinId']);
    return parsed.ok
      ? { message, origin, readings: parsed.readings }
      : refuse(parsed.code, parsed.message);
  }
  const named = topics.property?.match(message.topic);
  if (named?.['twinId'] && named['property']) {
    const parsed = parsePropertyPayload(
      message.payload,
      named['twinId'],
      named['property'],
      message.receivedAt,
    );
    return parsed.ok
      ? { message, origin, readings: parsed.readings }
      : refuse(parsed.code, parsed.message);
  }
  const patterns = [topics.telemetry, topics.property].flatMap((p) => (p ? [p.source] : []));
  return refuse(
    'TOPIC_UNMATCHED',
    `Topic ${bounded(message.topic, 256)} does not match ${patterns.join(' or ')}`,
  );
}

/**
 * The next batch from the queue, in arrival order: up to `maxMessages` messages and (after the
 * first) `maxReadings` readings, so that one batch stays one bounded append.
 */
export function takeBatch(
  queue: ReadMessage[],
  limits: { maxMessages: number; maxReadings: number },
): ReadMessage[] {
  let readings = 0;
  let count = 0;
  while (count < queue.length && count < limits.maxMessages) {
    const item = queue[count]!;
    const more = 'readings' in item ? item.readings.length : 0;
    if (count > 0 && readings + more > limits.maxReadings) break;
    readings += more;
    count++;
  }
  return queue.splice(0, count);
}
