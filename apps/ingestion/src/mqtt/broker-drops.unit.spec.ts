import fc from 'fast-check';
import { readIngestionConfig } from '../config/ingestion.config';
import { BrokerDropTally, dropWarning } from './broker-drop-tally';
import { BrokerDropWatcher } from './broker-drops';
import { MqttInput } from './mqtt-input';
import { MqttStatusHttpController } from './mqtt-status.http.controller';
import { withoutSecrets } from './without-secrets';

const EVERY = 30_000;

describe("the broker's drop counter arithmetic", () => {
  it('takes the first reading as the baseline: earlier drops are the broker’s, not since our start', () => {
    const tally = new BrokerDropTally(EVERY);
    expect(tally.observe(500, 0)).toBeUndefined();
    expect(tally.counts()).toEqual({
      droppedTotal: 500,
      droppedSinceStart: 0,
      lastDropAt: null,
      lastReadAt: 0,
    });
  });

  it('reports the first drops at once, with the time since the reading before them', () => {
    const tally = new BrokerDropTally(EVERY);
    tally.observe(500, 0);
    tally.observe(500, 5_000);
    expect(tally.observe(812, 10_000)).toEqual({ dropped: 312, overMs: 5_000, sinceStart: 312 });
    expect(tally.counts()).toMatchObject({ droppedSinceStart: 312, lastDropAt: 10_000 });
  });

  it('holds drops back within the interval and reports them added up when it ends', () => {
    const tally = new BrokerDropTally(EVERY);
    tally.observe(0, 0);
    expect(tally.observe(10, 5_000)).toMatchObject({ dropped: 10 });
    expect(tally.observe(30, 10_000)).toBeUndefined();
    expect(tally.observe(60, 15_000)).toBeUndefined();
    expect(tally.observe(60, 20_000)).toBeUndefined();
    expect(tally.nextReportAt()).toBe(35_000);
    expect(tally.due(34_999)).toBeUndefined();
    expect(tally.due(35_000)).toEqual({ dropped: 50, overMs: 10_000, sinceStart: 60 });
    expect(tally.nextReportAt()).toBeUndefined();
    expect(tally.due(99_000)).toBeUndefined();
  });

  it('counts all of a lower reading as new: the broker restarted and its counter began at 0', () => {
    const tally = new BrokerDropTally(EVERY);
    tally.observe(1_000, 0);
    tally.observe(1_200, 5_000);
    tally.observe(40, 60_000);
    expect(tally.counts()).toMatchObject({ droppedTotal: 40, droppedSinceStart: 240 });
  });

  it('ignores what is not a count', () => {
    const tally = new BrokerDropTally(EVERY);
    tally.observe(7, 0);
    for (const bad of [Number.NaN, -1, 1.5, Infinity, 1e300]) tally.observe(bad, 1_000);
    expect(tally.counts()).toMatchObject({ droppedTotal: 7, droppedSinceStart: 0, lastReadAt: 0 });
  });

  it('reports every drop exactly once, whatever the readings and their timing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1_000), fc.integer({ min: 1, max: 20_000 })), { maxLength: 60 }),
        (steps) => {
          const tally = new BrokerDropTally(EVERY);
          let total = 0;
          let at = 0;
          let reported = 0;
          tally.observe(total, at);
          for (const [more, gap] of steps) {
            total += more;
            at += gap;
            reported += tally.observe(total, at)?.dropped ?? 0;
          }
          reported += tally.due(at + EVERY)?.dropped ?? 0;
          expect(reported).toBe(total);
          expect(tally.counts().droppedSinceStart).toBe(total);
        },
      ),
    );
  });

  it('says what happened, how much, where the limits are and where to read on', () => {
    expect(dropWarning({ dropped: 312, overMs: 4_600, sinceStart: 7_201 })).toBe(
      "MQTT broker dropped 312 messages over 5 s (7,201 since ingestion started): a subscriber's queue is full (max_queued_messages / max_queued_bytes) or a client is too slow; see docs/services/ingestion.md#what-the-broker-can-still-drop",
    );
    expect(dropWarning({ dropped: 1, overMs: 0, sinceStart: 1 })).toMatch(
      /^MQTT broker dropped 1 message over 1 s/,
    );
  });
});

describe('secrets in MQTT_URL', () => {
  it('masks the password wherever a message repeats it, raw or percent-decoded', () => {
    const url = 'mqtts://plant:s%40cret-pw@broker.example:8883';
    expect(withoutSecrets(`connect ${url} failed: s@cret-pw / s%40cret-pw`, url)).toBe(
      'connect mqtts://plant:***@broker.example:8883 failed: *** / ***',
    );
    expect(withoutSecrets('ECONNREFUSED 127.0.0.1:1883', 'mqtt://127.0.0.1:1883')).toBe(
      'ECONNREFUSED 127.0.0.1:1883',
    );
    expect(withoutSecrets('bad url: not a url', 'not a url')).toBe('bad url: <MQTT_URL>');
  });
});

describe('the drop watcher’s setting', () => {
  const env = { MQTT_URL: 'mqtt://u:pw@127.0.0.1:1' };

  it('is on by default, and off says so rather than "unknown"', () => {
    expect(readIngestionConfig(env).mqtt?.brokerStats).toBe(true);
    const off = readIngestionConfig({ ...env, INGESTION_MQTT_BROKER_STATS: 'off' });
    expect(off.mqtt?.brokerStats).toBe(false);
    const watcher = new BrokerDropWatcher(off);
    watcher.start();
    expect(watcher.status()).toMatchObject({
      state: 'off',
      reason: 'INGESTION_MQTT_BROKER_STATS is off',
      droppedTotal: null,
      droppedSinceStart: 0,
    });
    expect(watcher.warnings()).toEqual([]);
    expect(() => readIngestionConfig({ ...env, INGESTION_MQTT_BROKER_STATS: 'yes' })).toThrow(
      /INGESTION_MQTT_BROKER_STATS="yes"/,
    );
  });

  it('is off without MQTT, and unknown (never the password) while the broker cannot be reached', async () => {
    expect(new BrokerDropWatcher(readIngestionConfig({})).status()).toMatchObject({
      state: 'off',
      reason: 'MQTT_URL is not set',
    });
    const watcher = new BrokerDropWatcher(readIngestionConfig(env));
    watcher.start();
    try {
      expect(watcher.status()).toMatchObject({ state: 'unknown' });
      expect(watcher.warnings()).toEqual([
        expect.stringMatching(/^Messages the MQTT broker drops cannot be seen: /),
      ]);
      expect(JSON.stringify([watcher.status(), watcher.warnings()])).not.toContain('pw');
    } finally {
      await watcher.stop();
    }
  });
});

describe('GET /v1/ingestion/mqtt without MQTT', () => {
  it('answers enabled: false, the input idle and the watcher off, with no warnings', () => {
    const config = readIngestionConfig({});
    const input = new MqttInput(undefined as never, config);
    const controller = new MqttStatusHttpController(input, new BrokerDropWatcher(config));
    expect(controller.status()).toEqual({
      enabled: false,
      input: expect.objectContaining({ enabled: false, connected: false, filters: [] }),
      broker: expect.objectContaining({ state: 'off', reason: 'MQTT_URL is not set' }),
      warnings: [],
    });
  });
});
