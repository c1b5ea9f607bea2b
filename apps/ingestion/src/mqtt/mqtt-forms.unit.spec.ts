import { parser } from 'mqtt-packet';
import { parsePropertyPayload } from './mqtt-payload';
import { pubackBytes } from './mqtt-packets';
import { readMessage, takeBatch, type MqttTopics } from './mqtt-batch';
import type { InboundMessage } from './mqtt-session-options';
import { coveringFilters, parseTopicPattern } from './topic-pattern';

const AT = '2026-12-06T08:00:00.000Z';
const message = (topic: string, payload: string): InboundMessage => ({
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  receivedAt: AT,
  ack: () => true,
});
const TOPICS: MqttTopics = {
  telemetry: parseTopicPattern('plant/{site}/{twinId}/telemetry'),
  property: parseTopicPattern('plant/{site}/{twinId}/{property}', ['twinId', 'property']),
  maxPayloadBytes: 1_000,
};

describe('the compact per-property MQTT form', () => {
  const parse = (payload: string) =>
    parsePropertyPayload(Buffer.from(payload), 'cnc-1', 'temperature', AT);

  it('takes a bare number at its arrival time, or { v, t, u, id }', () => {
    expect(parse('21.5')).toEqual({
      ok: true,
      readings: [{ twinId: 'cnc-1', property: 'temperature', value: 21.5, time: AT }],
    });
    expect(parse('{"v":70,"t":"2026-12-06T07:59:00Z","u":"degF","id":"r-9"}')).toEqual({
      ok: true,
      readings: [
        {
          twinId: 'cnc-1',
          property: 'temperature',
          value: 70,
          time: '2026-12-06T07:59:00Z',
          unit: 'degF',
          readingId: 'r-9',
        },
      ],
    });
    expect(parse('{"v":3}')).toMatchObject({ ok: true, readings: [{ time: AT }] });
  });

  it('refuses what is not a number or that object, naming the problem', () => {
    expect(parse('warm')).toMatchObject({ ok: false, code: 'JSON_MALFORMED' });
    expect(parse('[1,2]')).toMatchObject({ ok: false, message: /not an array/ });
    expect(parse('"21.5"')).toMatchObject({ ok: false, code: 'READING_MALFORMED' });
    expect(parse('{"value":21.5}')).toMatchObject({
      ok: false,
      message: /unknown field\(s\) "value"/,
    });
    expect(parse('{"t":"2026-12-06T07:59:00Z"}')).toMatchObject({
      ok: false,
      message: /"v" is missing/,
    });
    expect(parse('{"v":1,"__proto__":{"x":1}}')).toMatchObject({
      ok: false,
      message: /unknown field\(s\) "__proto__"/,
    });
  });
});

describe('reading an MQTT message by its topic', () => {
  it('uses the telemetry form, then the property form, and refuses other topics unread', () => {
    expect(
      readMessage(
        message('plant/n/cnc-1/telemetry', '{"property":"p","value":1,"time":5}'),
        TOPICS,
      ),
    ).toMatchObject({ readings: [{ twinId: 'cnc-1', property: 'p' }] });
    expect(readMessage(message('plant/n/cnc-1/vibration', '2.5'), TOPICS)).toMatchObject({
      readings: [{ twinId: 'cnc-1', property: 'vibration', value: 2.5 }],
    });
    expect(readMessage(message('plant/n//vibration', '2.5'), TOPICS)).toMatchObject({
      refused: { code: 'TOPIC_UNMATCHED' },
    });
    expect(readMessage(message('plant/n/cnc-1/x', 'x'.repeat(1_001)), TOPICS)).toMatchObject({
      refused: { code: 'BODY_TOO_LARGE' },
    });
    const withoutProperty = { ...TOPICS, property: undefined };
    expect(readMessage(message('plant/n/cnc-1/vibration', '2.5'), withoutProperty)).toMatchObject({
      refused: {
        code: 'TOPIC_UNMATCHED',
        message: /does not match plant\/\{site\}\/\{twinId\}\/telemetry$/,
      },
    });
  });

  it('batches messages in arrival order, bounded by messages and by readings', () => {
    const three = JSON.stringify([1, 2, 3].map((v) => ({ property: 'p', value: v, time: 5 })));
    const queue = Array.from({ length: 5 }, (_, i) =>
      readMessage(message(`plant/n/cnc-${i}/telemetry`, three), TOPICS),
    );
    const first = takeBatch(queue, { maxMessages: 10, maxReadings: 7 });
    expect(first.map((m) => m.message.topic)).toEqual([
      'plant/n/cnc-0/telemetry',
      'plant/n/cnc-1/telemetry',
    ]);
    expect(takeBatch(queue, { maxMessages: 1, maxReadings: 100 })).toHaveLength(1);
    // A message with more readings than the limit still goes, alone.
    expect(takeBatch(queue, { maxMessages: 10, maxReadings: 2 })).toHaveLength(1);
    expect(queue).toHaveLength(1);
  });
});

describe('MQTT subscriptions', () => {
  it('subscribes once where one filter covers another (a broker would deliver twice)', () => {
    expect(coveringFilters(['plant/+/+/telemetry', 'plant/+/+/+'])).toEqual(['plant/+/+/+']);
    expect(coveringFilters(['a/+/t', 'b/+/+'])).toEqual(['a/+/t', 'b/+/+']);
    expect(coveringFilters(['a/+/t', 'a/+/t'])).toEqual(['a/+/t']);
    expect(coveringFilters(['a/+/t', 'a/+/+/x'])).toEqual(['a/+/t', 'a/+/+/x']);
  });

  it('requires the levels a form needs', () => {
    expect(() => parseTopicPattern('plant/{site}/{twinId}/x', ['twinId', 'property'])).toThrow(
      /must have a \{property\} level/,
    );
  });
});

describe('PUBACK bytes', () => {
  it('decode as the PUBACK meant (MQTT 5 leaves out the property length below 4 bytes)', () => {
    for (const [messageId, reasonCode] of [
      [1, 0],
      [65_535, 0],
      [258, 153],
      [7, 131],
    ] as const) {
      const parsed: unknown[] = [];
      const read = parser({ protocolVersion: 5 });
      read.on('packet', (p) => parsed.push(p));
      read.parse(pubackBytes(messageId, reasonCode));
      expect(parsed).toEqual([expect.objectContaining({ cmd: 'puback', messageId, reasonCode })]);
    }
  });
});
