import { until } from '@twinlog/testing';
import type { IConnectPacket } from 'mqtt-packet';
import { readIngestionConfig } from '../config/ingestion.config';
import { BrokerDropWatcher } from './broker-drops';
import { ScriptedBroker } from './testing/scripted-broker';

/**
 * A password with '@', ':' or '%' is percent-encoded in MQTT_URL. The input's session decodes
 * it; the drop watcher's connection must send the same password, or the broker refuses it and
 * drops can no longer be seen.
 */
describe('the broker drop watcher with credentials in MQTT_URL', () => {
  let broker: ScriptedBroker;
  let watcher: BrokerDropWatcher;

  afterEach(async () => {
    await watcher?.stop();
    await broker?.close();
  });

  it('sends the decoded user name and password, as the input does', async () => {
    broker = await ScriptedBroker.start();
    const url = broker.url.replace('mqtt://', 'mqtt://plant%20ops:p%40ss%3Aw%25rd@');
    watcher = new BrokerDropWatcher(readIngestionConfig({ MQTT_URL: url }));
    watcher.start();
    const connect = await until(
      () => broker.connections[0]?.packets[0] as IConnectPacket | undefined,
      (p) => p?.cmd === 'connect',
      'the watcher’s CONNECT',
      10_000,
    );
    expect(connect!.username).toBe('plant ops');
    expect(connect!.password?.toString()).toBe('p@ss:w%rd');
  });
});
