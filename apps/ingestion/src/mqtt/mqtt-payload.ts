import type { IncomingReading } from '@twinlog/domain';

export type MqttPayload =
  | { ok: true; readings: IncomingReading[] }
  | { ok: false; code: 'JSON_MALFORMED' | 'READING_MALFORMED'; message: string };

/**
 * An MQTT message holds one reading, an array of them, or `{ "readings": [...] }`, in the HTTP
 * format. The topic names the twin (and site): a reading may omit twinId, and one that names
 * another twin is refused, so a device cannot write to a twin that is not its own topic's.
 */
export function parseMqttPayload(payload: Buffer, topicTwinId: string): MqttPayload {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      code: 'JSON_MALFORMED',
      message: `The payload is not valid JSON: ${(error as Error).message}`,
    };
  }
  const list = Array.isArray(body)
    ? body
    : Array.isArray((body as { readings?: unknown } | null)?.readings)
      ? (body as { readings: unknown[] }).readings
      : [body];
  const readings: IncomingReading[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return {
        ok: false,
        code: 'READING_MALFORMED',
        message: 'A reading must be an object { property, value, time, unit?, readingId? }',
      };
    }
    const reading = item as IncomingReading;
    if (reading.twinId !== undefined && reading.twinId !== topicTwinId) {
      return {
        ok: false,
        code: 'READING_MALFORMED',
        message: `The reading names twin ${JSON.stringify(reading.twinId)} but was published on the topic of ${topicTwinId}`,
      };
    }
    readings.push({ ...reading, twinId: topicTwinId });
  }
  return { ok: true, readings };
}
