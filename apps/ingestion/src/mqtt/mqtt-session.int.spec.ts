import { until } from '@twinlog/testing';
import { MqttSession } from './mqtt-session';
import { ScriptedBroker } from './testing/scripted-broker';

/**
 * The session's life across connections, against a broker scripted packet by packet: the
 * keepalive that drops a silent broker, a refused CONNECT, and a broker that lost our session.
 * Each ends in a reconnect that subscribes again.
 */
describe('MQTT session: keepalive, refusals and reconnects', () => {
  let broker: ScriptedBroker;
  let session: MqttSession;
  let events: Array<{ level: string; text: string }>;

  const open = (keepaliveSeconds = 30) => {
    session = new MqttSession({
      url: broker.url,
      clientId: 'session-spec',
      filters: ['plant/+/+/telemetry'],
      receiveMaximum: 100,
      keepaliveSeconds,
      sessionExpirySeconds: 3_600,
      onMessage: () => undefined,
      onEvent: (level, text) => events.push({ level, text }),
    });
    return session;
  };
  const said = (level: string, part: string) =>
    events.some((e) => e.level === level && e.text.includes(part));
  const subscribes = () =>
    broker.connections.filter((c) => c.packets.some((p) => p.cmd === 'subscribe')).length;

  beforeEach(async () => {
    broker = await ScriptedBroker.start();
    events = [];
  });

  afterEach(async () => {
    await session?.stop();
    await broker.close();
  });

  it('pings, drops a broker that stopped answering them, and connects again', async () => {
    broker.answersPings = false;
    expect(await open(1).start()).toBe(true);
    await until(
      () => broker.connections.length,
      (n) => n >= 2,
      'the reconnect',
      20_000,
    );
    expect(broker.connections[0]!.packets.some((p) => p.cmd === 'pingreq')).toBe(true);
    expect(said('warn', 'stopped answering pings')).toBe(true);
    broker.answersPings = true;
    await until(subscribes, (n) => n >= 2, 'subscribed again', 20_000);
  }, 60_000);

  it('says why the broker refused the connection, and keeps trying', async () => {
    broker.connack = { reasonCode: 134, sessionPresent: false };
    expect(await open().start(1_500)).toBe(false);
    expect(session.connected).toBe(false);
    expect(
      said('error', 'refused the connection: bad user name or password (reason code 134)'),
    ).toBe(true);
    broker.connack = { reasonCode: 0, sessionPresent: false };
    await until(() => session.connected, Boolean, 'connected once accepted', 20_000);
    expect(subscribes()).toBe(1);
  }, 60_000);

  it('warns when a reconnect finds the broker lost the session it kept for us', async () => {
    expect(await open().start()).toBe(true);
    broker.connack = { reasonCode: 0, sessionPresent: true };
    broker.latest.drop();
    await until(subscribes, (n) => n === 2, 'subscribed again', 20_000);
    expect(said('warn', 'had no session')).toBe(false);
    expect(said('warn', 'lost the connection to')).toBe(true);

    broker.connack = { reasonCode: 0, sessionPresent: false };
    broker.latest.drop();
    await until(subscribes, (n) => n === 3, 'subscribed a third time', 20_000);
    expect(said('warn', 'had no session for session-spec any more')).toBe(true);
  }, 60_000);
});
