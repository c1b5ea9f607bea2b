import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClientSecurity, type KafkaSecurity } from '@twinlog/event-log';
import { eventually } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from '../testing/ingestion-harness';

// An enterprise cluster that asks for a login over TLS: the test broker's SASL_SSL listener,
// reached with the input's own INGESTION_KAFKA_INPUT_* settings (the password from a file).
describe('the enterprise topic input on a cluster with SASL and TLS', () => {
  const secured = realServer('kafka').secured;
  const PUMP = `pump-${randomUUID().slice(0, 8)}`;
  const rawTopic = `enterprise-secured-${Date.now()}`;
  let h: Harness | undefined;

  afterAll(async () => {
    await h?.close();
  });

  it('logs in with its own settings and takes the topic’s readings', async () => {
    if (!secured) throw new Error('needs the test tooling’s Kafka with its SASL listeners');
    const security: KafkaSecurity = {
      sasl: { mechanism: 'scram-sha-512', username: secured.username, password: secured.password },
      tls: { ca: readFileSync(secured.caFile, 'utf8') },
    };
    const kafka = new Kafka({
      brokers: secured.tlsBrokers,
      logLevel: logLevel.NOTHING,
      ...kafkaClientSecurity(security),
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 1 }] });
    await admin.disconnect();

    const passwordFile = join(mkdtempSync(join(tmpdir(), 'input-login-')), 'password');
    writeFileSync(passwordFile, `${secured.password}\n`, { mode: 0o600 });
    h = await startHarness([{ twinId: PUMP, twinType: 'coolant-pump', site: 'plant-a' }], {
      INGESTION_KAFKA_INPUT_TOPICS: rawTopic,
      INGESTION_KAFKA_INPUT_BROKERS: secured.tlsBrokers.join(','),
      INGESTION_KAFKA_INPUT_GROUP: `raw-secured-${Date.now()}`,
      INGESTION_KAFKA_INPUT_SASL_MECHANISM: 'scram-sha-512',
      INGESTION_KAFKA_INPUT_USERNAME: secured.username,
      INGESTION_KAFKA_INPUT_PASSWORD_FILE: passwordFile,
      INGESTION_KAFKA_INPUT_TLS: 'on',
      INGESTION_KAFKA_INPUT_TLS_CA_FILE: secured.caFile,
    });

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: rawTopic,
      messages: [
        {
          key: PUMP,
          value: JSON.stringify({
            twinId: PUMP,
            property: 'flow_rate',
            value: 12.5,
            time: minutesAgo(1),
          }),
        },
      ],
    });
    await producer.disconnect();
    await eventually(async () => {
      const events = await h!.infra.log.readStream(PUMP, { streams: ['telemetry'] });
      return events.some(
        (e) => e.type === 'TelemetryReported' && e.data.readings.some((r) => r.value === 12.5),
      );
    }, 'the enterprise reading in the log');
  });
});
