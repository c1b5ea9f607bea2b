import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { connectAsync } from 'mqtt';
import { eventually } from '@twinlog/event-log/testing';
import {
  jsonRequest,
  MQTT_TEST_USER,
  startThrowawayMosquitto,
  type ProvisionedServer,
} from '@twinlog/testing';
import type { MqttSettings } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';
import type { MqttStatusView } from './mqtt/mqtt-status.http.controller';

const QUEUE = 5;
const PUBLISHED = 50;

// A broker of this test's own with a deliberately tiny subscriber queue, so it drops messages
// it acknowledged to the publisher: Twinlog must show that in its API and its log.
describe('the MQTT broker’s drops reach GET /v1/ingestion/mqtt and the log', () => {
  let broker: ProvisionedServer<MqttSettings>;
  let h: Harness;
  let password: string;
  const logged: Array<{ context: string | undefined; message: string }> = [];

  const status = async (): Promise<MqttStatusView> => {
    const answer = await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt');
    expect(answer.status).toBe(200);
    return answer.json as MqttStatusView;
  };

  beforeAll(async () => {
    broker = await startThrowawayMosquitto({ max_queued_messages: QUEUE, sys_interval: 1 });
    for (const level of ['log', 'warn', 'error'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation(function (
        this: Logger,
        message: unknown,
        ..._more: unknown[]
      ) {
        const context = (this as unknown as { context?: string }).context;
        logged.push({ context, message: String(message) });
      });
    // The broker checks the test user's password: it must be kept out of logs and answers.
    password = broker.settings.users![MQTT_TEST_USER]!;
    h = await startHarness([], { MQTT_URL: broker.settings.url });
  });

  afterAll(async () => {
    await h?.close();
    await broker?.stop();
    jest.restoreAllMocks();
  });

  it('counts the messages a full queue dropped, says so in the answer and logs one warning', async () => {
    // The counter's first reading is the baseline: wait for it before anything is dropped.
    await eventually(async () => (await status()).broker.state === 'watching', 'watching');
    expect((await status()).broker).toMatchObject({ droppedSinceStart: 0, lastDropAt: null });

    // A persistent session that subscribed and went away: its queue holds QUEUE messages.
    const topic = `stuck-${h.id}/line-1`;
    const stuck = await connectAsync(broker.settings.url, {
      clientId: `stuck-${h.id}`,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3600 },
    });
    await stuck.subscribeAsync(topic, { qos: 1 });
    await stuck.endAsync();
    const publisher = await connectAsync(broker.settings.url, { clientId: `pub-${h.id}` });
    // All at once, so that the drops usually fall in one of the broker's 1 s counter updates;
    // under load they may straddle two, and the counts below allow for that.
    await Promise.all(
      Array.from({ length: PUBLISHED }, (_, i) =>
        publisher.publishAsync(topic, `m${i}`, { qos: 1 }),
      ),
    );
    await publisher.endAsync();

    await eventually(
      async () => (await status()).broker.droppedSinceStart === PUBLISHED - QUEUE,
      'all the drops in the API',
    );
    const answer = await status();
    expect(answer.enabled).toBe(true);
    expect(answer.broker).toMatchObject({
      state: 'watching',
      source: '$SYS/broker/publish/messages/dropped',
      droppedTotal: PUBLISHED - QUEUE,
      droppedSinceStart: PUBLISHED - QUEUE,
    });
    expect(Date.parse(answer.broker.lastDropAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(answer.warnings).toEqual([
      expect.stringMatching(
        /^The MQTT broker dropped 45 messages since this ingestion instance started/,
      ),
    ]);

    await eventually(
      () => logged.some((l) => l.context === 'BrokerDropWatcher'),
      'the warning in the log',
    );
    // One line at once, for the drops of the first counter update that saw any (all 45, unless
    // they straddled two updates: then the rest is held back for the report interval, 30 s).
    const warnings = logged.filter((l) => l.context === 'BrokerDropWatcher');
    expect(warnings).toEqual([
      {
        context: 'BrokerDropWatcher',
        message: expect.stringMatching(
          /^MQTT broker dropped (\d+) messages over \d+ s \(\1 since ingestion started\): a subscriber's queue is full \(max_queued_messages \/ max_queued_bytes\)/,
        ),
      },
    ]);
    const firstCount = Number(/dropped (\d+) messages/.exec(warnings[0]!.message)![1]);
    expect(firstCount).toBeGreaterThan(0);
    expect(firstCount).toBeLessThanOrEqual(PUBLISHED - QUEUE);
    expect(JSON.stringify(answer)).not.toContain(password);
    expect(JSON.stringify(warnings)).not.toContain(password);
  });

  it('takes no query parameters', async () => {
    const answer = await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt?verbose=1');
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: 'QUERY_INVALID',
      details: { parameter: 'verbose' },
    });
  });
});

// mosquitto with $SYS off stands for any broker that does not publish the counter.
describe('a broker without $SYS', () => {
  let broker: ProvisionedServer<MqttSettings>;
  let h: Harness;
  const twinId = `mill-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    broker = await startThrowawayMosquitto({ sys_interval: 0 });
    h = await startHarness([{ twinId, twinType: 'cnc-milling-machine', site: 'plant-a' }], {
      MQTT_URL: broker.settings.url,
    });
  });

  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('leaves the drops unknown, says so, and ingestion takes MQTT readings all the same', async () => {
    const publisher = await connectAsync(broker.settings.url, { protocolVersion: 5 });
    await publisher.publishAsync(
      `plant-${h.id}/plant-a/${twinId}/telemetry`,
      JSON.stringify({ property: 'temperature', value: 61, time: minutesAgo(1) }),
      { qos: 1 },
    );
    await publisher.endAsync();
    await eventually(
      async () => (await h.infra.log.readStream(twinId, { streams: ['telemetry'] })).length > 0,
      'the MQTT reading in the log',
    );
    const status = () => jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt');
    // Connected (the reason changes from "not connected yet"), and still nothing to read.
    await eventually(
      async () => /from the broker yet/.test((await status()).json.broker.reason),
      'the watcher connected',
    );
    const answer = await status();
    expect(answer.status).toBe(200);
    expect(answer.json.broker).toMatchObject({
      state: 'unknown',
      reason: 'no $SYS/broker/publish/messages/dropped from the broker yet',
      droppedTotal: null,
    });
    expect(answer.json.warnings).toEqual([
      'Messages the MQTT broker drops cannot be seen: no $SYS/broker/publish/messages/dropped from the broker yet.',
    ]);
  });
});
