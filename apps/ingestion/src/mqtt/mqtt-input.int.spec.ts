import { until } from '@twinlog/testing';
import { readIngestionConfig } from '../config/ingestion.config';
import type { ReadingIntake } from '../intake/reading-intake.service';
import { MqttInput } from './mqtt-input';
import { HeldIntake } from './testing/held-intake';
import { dropAndAwaitResubscribe } from './testing/drop-connection';
import { ScriptedBroker } from './testing/scripted-broker';

/**
 * The MQTT input against a broker scripted packet by packet: what it asks for on CONNECT, that
 * it reads many messages before acknowledging any, and that each PUBACK goes out in arrival
 * order only once the intake has recorded the message (acknowledged means durable).
 */
describe('MQTT input: many messages in flight, PUBACKs in order after the append', () => {
  let broker: ScriptedBroker;
  let intake: HeldIntake;
  let input: MqttInput;

  const reading = (value: number) =>
    JSON.stringify({ property: 'temperature', value, time: '2026-12-01T10:00:00Z' });

  beforeEach(async () => {
    broker = await ScriptedBroker.start();
    intake = new HeldIntake();
    const config = readIngestionConfig({
      MQTT_URL: broker.url,
      INGESTION_MQTT_CLIENT_ID: 'windowed',
      INGESTION_MQTT_RECEIVE_MAXIMUM: '500',
    });
    input = new MqttInput(intake as unknown as ReadingIntake, config);
    await input.start();
  });

  afterEach(async () => {
    intake.release();
    await input.stop();
    await broker.close();
  });

  it('asks for a persistent session with a receive maximum, on one covering subscription', () => {
    const [connect, subscribe] = broker.latest.packets;
    expect(connect).toMatchObject({
      cmd: 'connect',
      clean: false,
      clientId: 'windowed',
      properties: { receiveMaximum: 500, sessionExpiryInterval: 86_400 },
    });
    // plant/+/+/+ (the per-property form) covers plant/+/+/telemetry: one subscription, not two.
    expect(subscribe).toMatchObject({
      cmd: 'subscribe',
      subscriptions: [{ topic: '$share/twinlog-ingestion/plant/+/+/+', qos: 1 }],
    });
  });

  it('reads every message before any is recorded, then acknowledges them in arrival order', async () => {
    intake.hold();
    const ids = [7, 3, 9, 1, 4, 8];
    ids.forEach((id, i) => broker.publish(`plant/north/cnc-${i}/telemetry`, reading(i), id));
    broker.publish('plant/north/cnc-9/telemetry', '{not json', 2);
    broker.publish('plant/north/cnc-9/temperature', '21.5', 5);
    await until(
      () => input.status().received,
      (n) => n === 8,
      'all 8 messages read',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(broker.pubacks()).toEqual([]);

    intake.release();
    const acks = await until(
      () => broker.pubacks(),
      (a) => a.length === 8,
      'the 8 PUBACKs',
    );
    expect(acks).toEqual([...ids.map((id) => [id, 0]), [2, 153], [5, 0]]);
    const readings = intake.accepted.flat();
    expect(readings.map((r) => [r.twinId, r.value])).toEqual([
      ...ids.map((_, i) => [`cnc-${i}`, i]),
      ['cnc-9', 21.5],
    ]);
    expect(intake.refused).toEqual([
      { code: 'JSON_MALFORMED', origin: 'MQTT plant/north/cnc-9/telemetry' },
    ]);
  });

  it('acknowledges nothing while the log is unavailable, and everything once it is back', async () => {
    intake.failNext = 2;
    broker.publish('plant/north/cnc-1/telemetry', reading(1), 11);
    broker.publish('plant/north/cnc-2/telemetry', reading(2), 12);
    await until(
      () => input.status().received,
      (n) => n === 2,
      'both messages read',
    );
    expect(broker.pubacks()).toEqual([]);
    const acks = await until(
      () => broker.pubacks(),
      (a) => a.length === 2,
      'both PUBACKs',
      10_000,
    );
    expect(acks).toEqual([
      [11, 0],
      [12, 0],
    ]);
    expect(intake.failNext).toBe(0);
  });

  it('keeps arrival order across batches when an append fails and is retried', async () => {
    // Batches of 2 readings: the second batch is judged while the first is appended.
    await input.stop();
    input = new MqttInput(
      intake as unknown as ReadingIntake,
      readIngestionConfig({
        MQTT_URL: broker.url,
        INGESTION_MQTT_CLIENT_ID: 'small-batches',
        INGESTION_MAX_BATCH: '2',
      }),
    );
    await input.start();
    intake.failNext = 1;
    [31, 32, 33, 34, 35, 36].forEach((id, i) =>
      broker.publish('plant/north/cnc-1/telemetry', reading(i), id),
    );
    const acks = await until(
      () => broker.pubacks(),
      (a) => a.length === 6,
      'six PUBACKs',
      10_000,
    );
    expect(acks.map(([id]) => id)).toEqual([31, 32, 33, 34, 35, 36]);
    expect(intake.accepted.map((batch) => batch.map((r) => r.value))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('sends no PUBACK on a new connection for a message of the old one', async () => {
    intake.hold();
    broker.publish('plant/north/cnc-1/telemetry', reading(1), 21);
    await until(
      () => input.status().received,
      (n) => n === 1,
      'the message read',
    );
    const first = await dropAndAwaitResubscribe(broker, input);
    intake.release();
    await until(
      () => input.status().inFlight,
      (n) => n === 0,
      'the batch recorded',
    );
    // The broker redelivers it on the new connection; packet 21 there would ack another message.
    expect(broker.pubacks(broker.latest)).toEqual([]);
    expect(broker.pubacks(first)).toEqual([]);
    expect(input.status().acknowledged).toBe(0);
  });
});
