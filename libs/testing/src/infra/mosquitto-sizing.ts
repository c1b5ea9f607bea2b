import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cache-dir';

/** The broker configuration Twinlog ships (docker-compose mounts it); the one truth of its sizing. */
export const SHIPPED_MOSQUITTO_CONF = join('deploy', 'mosquitto', 'mosquitto.conf');

/**
 * The options of the shipped configuration that every Twinlog broker takes: the subscriber
 * queue (by count and bytes), the in-flight window, how often $SYS is published (the drop
 * watcher's clock) and how long an abandoned session is kept.
 */
export const BROKER_SIZING_OPTIONS = [
  'max_queued_messages',
  'max_queued_bytes',
  'max_inflight_messages',
  'sys_interval',
  'persistent_client_expiration',
] as const;

export type BrokerSizingOption = (typeof BROKER_SIZING_OPTIONS)[number];
/** mosquitto.conf options by name, each with its value as written (`max_queued_messages: 5`). */
export type MosquittoOverrides = Readonly<Record<string, string | number>>;

/** The values of mosquitto.conf lines (`option value`), comments and blank lines skipped. */
export function readMosquittoOptions(text: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name = '', ...value] = line.split(/\s+/);
    options.set(name, value.join(' '));
  }
  return options;
}

/** The sizing lines of the shipped configuration; throws naming a missing option. */
export function shippedBrokerSizing(
  text = readFileSync(join(repoRoot(), SHIPPED_MOSQUITTO_CONF), 'utf8'),
): Record<BrokerSizingOption, string> {
  const options = readMosquittoOptions(text);
  const sizing = {} as Record<BrokerSizingOption, string>;
  for (const name of BROKER_SIZING_OPTIONS) {
    const value = options.get(name);
    if (!value) throw new Error(`${SHIPPED_MOSQUITTO_CONF} does not set ${name}`);
    sizing[name] = value;
  }
  return sizing;
}

/**
 * A mosquitto.conf for Twinlog's test tooling: the given base lines (listener, auth,
 * persistence), then the shipped sizing, then `overrides` (a test's deliberately tiny queue,
 * say), each option written once.
 */
export function mosquittoConfigText(base: string[], overrides: MosquittoOverrides = {}): string {
  const options = { ...shippedBrokerSizing(), ...overrides };
  const lines = Object.entries(options).map(([name, value]) => `${name} ${value}`);
  return [...base, ...lines, ''].join('\n');
}
