import { until } from '@twinlog/testing';
import type { MqttInput } from '../mqtt-input';
import type { BrokerConnection, ScriptedBroker } from './scripted-broker';

/** Drops the input's connection at the scripted broker and waits until it is subscribed again. */
export async function dropAndAwaitResubscribe(
  broker: ScriptedBroker,
  input: MqttInput,
): Promise<BrokerConnection> {
  const dropped = broker.latest;
  const count = broker.connections.length;
  dropped.drop();
  await until(
    () => broker.connections.length,
    (n) => n === count + 1,
    'the reconnect',
    10_000,
  );
  await until(() => input.status().connected, Boolean, 'subscribed again', 10_000);
  return dropped;
}
