import { excerpt, type IncomingReading } from '@twinlog/domain';

export type MqttPayload =
  | { ok: true; readings: IncomingReading[] }
  | { ok: false; code: 'JSON_MALFORMED' | 'READING_MALFORMED'; message: string };

/**
 * An MQTT message holds one reading, an array of them, or `{ "readings": [...] }`, in the HTTP
 * format. The topic names the twin (and site): a reading may omit twinId, and one that names
 * another twin is refused, so a device cannot write to a twin that is not its own topic's.
 */
export function parseMqttPayload(payload: Buffer, topicTwinId: string): MqttPayload {
  const parsed = parseJson(payload, 'The payload is not valid JSON');
  if ('ok' in parsed) return parsed;
  const { body } = parsed;
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
        message: `The reading names twin ${excerpt(reading.twinId)} but was published on the topic of ${topicTwinId}`,
      };
    }
    // The object is the parse's own: name the topic's twin in place rather than copy it.
    reading.twinId = topicTwinId;
    readings.push(reading);
  }
  return { ok: true, readings };
}

const PROPERTY_FORM_KEYS = new Set(['v', 't', 'u', 'id']);

/**
 * The compact per-property form: the topic names twin and property, the payload is a bare
 * number (read at `receivedAt`) or `{ "v": 21.5, "t": time, "u"?: unit, "id"?: readingId }`.
 * A bare number has no time of its own, so a redelivery after a crash is a second reading;
 * publishers that need exactly-once send `t` (the reading id derives from twin, property, time).
 */
export function parsePropertyPayload(
  payload: Buffer,
  twinId: string,
  property: string,
  receivedAt: string,
): MqttPayload {
  const parsed = parseJson(payload, 'The payload is neither a number nor JSON');
  if ('ok' in parsed) return parsed;
  const { body } = parsed;
  if (typeof body === 'number') {
    return { ok: true, readings: [{ twinId, property, value: body, time: receivedAt }] };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      code: 'READING_MALFORMED',
      message: `On a property topic the payload is a number or { "v", "t", "u"?, "id"? }, not ${Array.isArray(body) ? 'an array' : typeof body}`,
    };
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !PROPERTY_FORM_KEYS.has(k));
  if (unknown.length > 0 || !Object.hasOwn(fields, 'v')) {
    return {
      ok: false,
      code: 'READING_MALFORMED',
      message: `On a property topic the payload is a number or { "v", "t", "u"?, "id"? }${
        unknown.length > 0
          ? `; unknown field(s) ${unknown
              .slice(0, 5)
              .map((k) => excerpt(k))
              .join(', ')}`
          : '; "v" is missing'
      }`,
    };
  }
  return {
    ok: true,
    readings: [
      {
        twinId,
        property,
        value: fields['v'],
        time: Object.hasOwn(fields, 't') ? fields['t'] : receivedAt,
        ...(Object.hasOwn(fields, 'u') ? { unit: fields['u'] } : {}),
        ...(Object.hasOwn(fields, 'id') ? { readingId: fields['id'] } : {}),
      },
    ],
  };
}

function parseJson(payload: Buffer, refusal: string): { body: unknown } | MqttPayload {
  try {
    return { body: JSON.parse(payload.toString('utf8')) as unknown };
  } catch (error) {
    return {
      ok: false,
      code: 'JSON_MALFORMED',
      message: `${refusal}: ${(error as Error).message}`,
    };
  }
}
