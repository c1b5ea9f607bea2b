import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { eventually } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

const RUN = randomUUID().slice(0, 8);
const MILL = `hostile-${RUN}`;

async function values(h: Harness, twinId: string): Promise<number[]> {
  const events = await h.infra.log.readStream(twinId, { streams: ['telemetry'] });
  return events.flatMap((e) =>
    e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.value) : [],
  );
}

/** The PUBACK's reason code (MQTT.js rejects a publish whose PUBACK carries an error code). */
async function pubackCode(client: MqttClient, topic: string, payload: Buffer | string) {
  try {
    await client.publishAsync(topic, payload, { qos: 1 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/**
 * Hostile payloads and topics through the real broker, between two valid readings: each is
 * answered with the documented PUBACK code and dead-lettered, and the valid readings land.
 */
describe('hostile MQTT messages (issue 16 review)', () => {
  jest.setTimeout(120_000);
  let h: Harness;
  let publisher: MqttClient;

  beforeAll(async () => {
    h = await startHarness([{ twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' }]);
    publisher = await connectAsync(realServer('mqtt').url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await h?.close();
  });

  it('dead-letters each hostile message with a clear code, acknowledges it as documented, and takes the valid ones', async () => {
    const root = `plant-${h.id}/plant-a`;
    const telemetry = `${root}/${MILL}/telemetry`;
    const reading = (value: number) =>
      JSON.stringify({ property: 'temperature', value, time: minutesAgo(5 - value) });
    const deep = '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000);
    const cases: Array<[string, string, Buffer | string, number]> = [
      ['__proto__ twin', `${root}/__proto__/telemetry`, reading(9), 0],
      ['constructor property', `${root}/${MILL}/constructor`, '1', 0],
      ['toString property', `${root}/${MILL}/toString`, '{"v":1}', 0],
      ['NaN text', `${root}/${MILL}/temperature`, 'NaN', 153],
      ['1e309', `${root}/${MILL}/temperature`, '1e309', 0],
      ['a string value', `${root}/${MILL}/temperature`, '{"v":"1"}', 0],
      ['readings not a list', telemetry, '{"readings":"x"}', 0],
      ['empty', telemetry, '', 153],
      ['binary', telemetry, Buffer.from([0xff, 0xfe, 0x00, 0x9f, 0x80]), 153],
      ['deeply nested', telemetry, deep, 0],
      ['4 MiB + 1', telemetry, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), 153],
      ['an empty level', `${root}//telemetry`, reading(9), 153],
      ['a 64 KiB twin id', `${root}/${'t'.repeat(65_000)}/telemetry`, reading(9), 0],
      ['an object as time', `${root}/${MILL}/temperature`, '{"v":1,"t":{"toString":1}}', 0],
      ['an object as unit', `${root}/${MILL}/temperature`, '{"v":1,"u":{"toString":1}}', 0],
    ];
    expect(await pubackCode(publisher, telemetry, reading(1))).toBe(0);
    const codes: Record<string, number> = {};
    for (const [name, topic, payload] of cases)
      codes[name] = await pubackCode(publisher, topic, payload);
    expect(await pubackCode(publisher, telemetry, reading(2))).toBe(0);

    // The broker acknowledged every one to the publisher (its PUBACK is the broker's, not ours).
    expect(Object.values(codes).every((c) => c === 0)).toBe(true);
    await eventually(async () => (await values(h, MILL)).includes(2), 'the last reading');
    expect(await values(h, MILL)).toEqual([1, 2]);
    const letters = (await h.infra.log.readDeadLetters()).filter(
      (l) => 'origin' in l.source && l.source.origin?.startsWith(`MQTT plant-${h.id}/`),
    );
    expect(letters.map((l) => l.code).sort()).toEqual(
      [
        'TWIN_ID_INVALID',
        'PROPERTY_UNKNOWN',
        'PROPERTY_UNKNOWN',
        'JSON_MALFORMED',
        'VALUE_INVALID',
        'VALUE_INVALID',
        'PROPERTY_UNKNOWN',
        'JSON_MALFORMED',
        'JSON_MALFORMED',
        'PROPERTY_UNKNOWN',
        'BODY_TOO_LARGE',
        'TOPIC_UNMATCHED',
        'TWIN_ID_INVALID',
        'TIMESTAMP_IMPLAUSIBLE',
        'UNIT_MISMATCH',
      ].sort(),
    );
    // Bytes that are not UTF-8 are kept as they came (base64), not as replacement characters.
    const binary = letters.find((l) =>
      l.reason.startsWith('The payload is not valid JSON: Unexpected token'),
    );
    expect(binary).toMatchObject({ payloadEncoding: 'base64', payload: '//4An4A=' });
  });
});
