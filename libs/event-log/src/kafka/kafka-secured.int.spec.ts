import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { realServer } from '@twinlog/testing';
import type { KafkaLogConfig } from './kafka-log.config';
import { describeEventLogContract } from '../testing/event-log.contract';
import { registered } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';
import type { KafkaSecurity } from './kafka-security';

// The test tooling's broker has SASL listeners beside the PLAINTEXT one the other tests use:
// SASL_PLAINTEXT and SASL_SSL (a CA of its own), with a SCRAM and PLAIN user.
const kafka = realServer('kafka');
const secured = (() => {
  if (!kafka.secured)
    throw new Error(
      'This test needs the secured listeners of the broker the test tooling starts (not one named by KAFKA_BROKERS).',
    );
  return kafka.secured;
})();
const ca = readFileSync(secured.caFile, 'utf8');
const sasl = (
  mechanism: NonNullable<KafkaSecurity['sasl']>['mechanism'],
  password = secured.password,
) => ({
  mechanism,
  username: secured.username,
  password,
});
const open = (brokers: string[], security: KafkaSecurity, more: Partial<KafkaLogConfig> = {}) =>
  KafkaEventLog.connect({
    brokers,
    security,
    topicPrefix: `sec-${randomUUID().slice(0, 8)}.`,
    partitions: 2,
    clientLogLevel: 'nothing',
    // Every replay on the fetch thread: it opens a client of its own and must log in too.
    replayWorkerMinEvents: 0,
    ...more,
  });

// The producer, the admin client, group and broadcast consumers, the stream index and the
// replay fetch thread each log in; the contract's cases use them all.
describeEventLogContract(
  'Kafka over SASL_PLAINTEXT, SCRAM-SHA-512',
  () => open(secured.saslBrokers, { sasl: sasl('scram-sha-512') }),
  /appends and reads|consumer group|broadcasts every|replays from the beginning|latest snapshot|dead letters with their reason/,
);

describeEventLogContract(
  'Kafka over SASL_SSL (TLS with the test CA), SCRAM-SHA-256',
  () => open(secured.tlsBrokers, { sasl: sasl('scram-sha-256'), tls: { ca } }),
  /appends and reads|consumer group|replays from the beginning/,
);

describe('Kafka clients refused at the door', () => {
  it('says a wrong password was refused, naming the user and not the password, without hanging', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const failure = await open(secured.saslBrokers, { sasl: sasl('scram-sha-512', wrong) }).then(
      async (log) => {
        await log.close();
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      /Kafka refused the credentials of user "twinlog-test" \(SCRAM-SHA-512\)/,
    );
    expect(failure?.message).not.toContain(wrong);
    expect(failure?.message).not.toContain(secured.password);
  }, 60_000);

  it('refuses a client without credentials on the SASL listener, and appends nothing', async () => {
    await expect(
      open(secured.saslBrokers, {}, { clientLogLevel: 'nothing' }).then((log) => log.close()),
    ).rejects.toThrow();
  }, 120_000);

  it('checks the broker’s certificate: without the test CA the TLS listener is refused', async () => {
    await expect(
      open(secured.tlsBrokers, { sasl: sasl('scram-sha-512'), tls: {} }).then((log) => log.close()),
    ).rejects.toThrow(/certificate/i);
  }, 120_000);

  it('logs in with PLAIN over TLS too', async () => {
    const log = await open(secured.tlsBrokers, { sasl: sasl('plain'), tls: { ca } });
    try {
      const twinId = `twin-${randomUUID().slice(0, 8)}`;
      await log.append([registered(twinId)]);
      expect((await log.readStream(twinId)).map((e) => e.type)).toEqual(['TwinRegistered']);
    } finally {
      await log.close();
    }
  }, 60_000);
});
