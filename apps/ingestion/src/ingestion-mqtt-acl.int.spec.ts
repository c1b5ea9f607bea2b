import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { eventually } from '@twinlog/event-log/testing';
import { jsonRequest, realServer } from '@twinlog/testing';
import { DROPPED_TOPIC } from './mqtt/broker-drop-status';
import type { MqttStatusView } from './mqtt/mqtt-status.http.controller';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

const RUN = randomUUID().slice(0, 8);
const MILL_A = `mill-a-${RUN}`;
const MILL_B = `mill-b-${RUN}`;

// The test broker runs the shipped authentication (deploy/mosquitto: no anonymous clients, the
// shipped ACL); each shipped user has a password of this run.
describe('the MQTT broker as shipped: logins and site ACLs', () => {
  const mqtt = realServer('mqtt');
  const users = mqtt.users ?? {};
  const address = (() => {
    const url = new URL(mqtt.url);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  })();
  let h: Harness;
  let gateway: MqttClient;

  const values = async (twinId: string) =>
    (await h.infra.log.readStream(twinId, { streams: ['telemetry'] })).flatMap((e) =>
      e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.value) : [],
    );
  const reading = (value: number) =>
    JSON.stringify({ property: 'temperature', value, time: minutesAgo(1) });

  beforeAll(async () => {
    if (!users['twinlog-ingestion'] || !users['gateway-plant-a'])
      throw new Error(
        'the test broker must have the shipped users (libs/testing mosquitto-auth.ts)',
      );
    // Ingestion logs in as the shipped ACL's twinlog-ingestion, its password from a mounted file.
    const passwordFile = join(mkdtempSync(join(tmpdir(), 'mqtt-login-')), 'password');
    writeFileSync(passwordFile, `${users['twinlog-ingestion']}\n`, { mode: 0o600 });
    h = await startHarness(
      [
        { twinId: MILL_A, twinType: 'cnc-milling-machine', site: 'plant-a' },
        { twinId: MILL_B, twinType: 'cnc-milling-machine', site: 'plant-b' },
      ],
      {
        MQTT_URL: address,
        INGESTION_MQTT_USERNAME: 'twinlog-ingestion',
        INGESTION_MQTT_PASSWORD_FILE: passwordFile,
        INGESTION_MQTT_TOPIC: 'plant/{site}/{twinId}/telemetry',
        INGESTION_MQTT_PROPERTY_TOPIC: 'plant/{site}/{twinId}/{property}',
        INGESTION_MQTT_SHARE_GROUP: `acl-${RUN}`,
      },
    );
    gateway = await connectAsync(address, {
      username: 'gateway-plant-a',
      password: users['gateway-plant-a'],
      protocolVersion: 5,
      clientId: `gateway-a-${RUN}`,
    });
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await h?.close();
  });

  it('takes a site gateway’s readings for its own site; its publish to another site never reaches ingestion', async () => {
    await eventually(async () => {
      const answer = await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt');
      return (answer.json as MqttStatusView).input.connected;
    }, 'ingestion subscribed with its own login');
    await gateway.publishAsync(`plant/plant-a/${MILL_A}/telemetry`, reading(41), { qos: 1 });
    await eventually(
      async () => (await values(MILL_A)).includes(41),
      'site A’s reading in the log',
    );

    // The broker refuses it: an MQTT 5 publisher hears "not authorized" (135) in the PUBACK.
    const refused = await gateway
      .publishAsync(`plant/plant-b/${MILL_B}/telemetry`, reading(666), { qos: 1 })
      .then(
        () => undefined,
        (error: { code?: number }) => error.code,
      );
    expect(refused).toBe(135);
    // One publisher, one subscriber session: messages arrive in order, so once a later reading
    // is in, the refused one would have been too.
    await gateway.publishAsync(`plant/plant-a/${MILL_A}/temperature`, '42', { qos: 1 });
    await eventually(async () => (await values(MILL_A)).includes(42), 'the later reading');
    expect(await values(MILL_B)).toEqual([]);
    const letters = await h.infra.log.readDeadLetters();
    expect(letters.filter((l) => l.payload.includes('666'))).toEqual([]);
  });

  it('lets ingestion’s login read the broker’s drop counter, as the drop watcher needs', async () => {
    // mosquitto grants every subscription and filters what it delivers by the ACL, and it
    // publishes the counter only when it has a value to say (a fresh broker may not yet): so the
    // login's subscription is checked, and the watcher for being connected and not refused.
    // That a gateway reads nothing it may not is the last test's.
    const subscribe = async (username: string) => {
      const client = await connectAsync(address, {
        username,
        password: users[username],
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      try {
        const granted = await client.subscribeAsync(DROPPED_TOPIC, { qos: 0 });
        return granted.map((g) => g.qos);
      } finally {
        await client.endAsync(true);
      }
    };
    expect(await subscribe('twinlog-ingestion')).toEqual([0]);
    await eventually(
      async () => {
        const { broker } = (await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt'))
          .json as MqttStatusView;
        return broker.state === 'watching' || /from the broker yet/.test(broker.reason ?? '');
      },
      'the drop watcher connected and subscribed',
      30_000,
    );
    const { broker } = (await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt'))
      .json as MqttStatusView;
    expect(broker.reason ?? '').not.toMatch(/refused/);
  });

  it('refuses a wrong password and an anonymous client at CONNECT', async () => {
    const attempt = (options: { username?: string; password?: string }) =>
      connectAsync(address, {
        ...options,
        protocolVersion: 5,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      }).then(
        async (client) => {
          await client.endAsync();
          return 'connected';
        },
        (error: Error) => error.message,
      );
    expect(await attempt({ username: 'gateway-plant-a', password: 'not-the-password' })).toMatch(
      /Bad User Name or Password|Not authorized/i,
    );
    expect(await attempt({})).toMatch(/Bad User Name or Password|Not authorized/i);
  });

  it('lets each gateway publish its own site only, and read no one’s readings', async () => {
    // mosquitto grants the subscription and filters at delivery: nothing may arrive.
    const overheard: string[] = [];
    gateway.on('message', (topic) => overheard.push(topic));
    await gateway.subscribeAsync('plant/#', { qos: 1 });
    const siteB = await connectAsync(address, {
      username: 'gateway-plant-b',
      password: users['gateway-plant-b'],
      protocolVersion: 5,
      clientId: `gateway-b-${RUN}`,
    });
    try {
      await siteB.publishAsync(`plant/plant-b/${MILL_B}/telemetry`, reading(7), { qos: 1 });
      await eventually(async () => (await values(MILL_B)).includes(7), 'site B’s own reading');
      // The broker delivers to every subscriber at once; a moment more for a stray delivery.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(overheard).toEqual([]);
    } finally {
      await siteB.endAsync();
    }
  });
});
