import { Kafka, logLevel } from 'kafkajs';
import { connectAsync } from 'mqtt';
import type { InfraSettings, ServerName } from './infra-settings';

/** A server named by the environment is checked once up front, so a typo fails fast and plainly. */
export async function checkReachable<K extends ServerName>(
  name: K,
  settings: InfraSettings[K],
): Promise<void> {
  try {
    if (name === 'kafka') await checkKafka(settings as InfraSettings['kafka']);
    if (name === 'influx') await checkInflux(settings as InfraSettings['influx']);
    if (name === 'mqtt') await checkMqtt(settings as InfraSettings['mqtt']);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the ${name} server named by the environment (${withoutSecrets(settings)}) did not answer: ${cause}. ` +
        'Start it, correct the variables, or unset them to let the test tooling start its own.',
    );
  }
}

async function checkKafka({ brokers }: InfraSettings['kafka']): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  await admin.disconnect();
}

async function checkInflux({ url, token }: InfraSettings['influx']): Promise<void> {
  const response = await fetch(`${url}/api/v2/buckets?limit=1`, {
    headers: { authorization: `Token ${token}` },
  });
  if (!response.ok) throw new Error(`GET /api/v2/buckets answered HTTP ${response.status}`);
}

async function checkMqtt({ url }: InfraSettings['mqtt']): Promise<void> {
  const client = await connectAsync(url, { connectTimeout: 5_000, reconnectPeriod: 0 });
  await client.endAsync();
}

/** The settings for a message: a token, a password or a URL's password never reach a log. */
function withoutSecrets(settings: object): string {
  return JSON.stringify(settings, (key, value: unknown) => {
    if (key === 'token' || key === 'password' || key === 'users') return '***';
    return typeof value === 'string' ? value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@') : value;
  });
}
