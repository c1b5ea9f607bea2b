import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { topicNames } from '@twinlog/event-log';
import { eventually } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { readIngestionConfig, startIngestion } from '@twinlog/app-ingestion';
import { openInfrastructure } from '@twinlog/service-kit';
import { startTwinStateHarness, twinStateEnv } from './testing/twin-state-harness';

/** Deletes an installation's topics, as a fresh broker or a recreated topic set would leave it. */
async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({
    brokers: realServer('kafka').brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const names = topicNames(prefix);
    const topics = [...Object.values(names.stream), names.deadLetter, names.snapshots];
    await admin.deleteTopics({ topics, timeout: 30_000 });
    await eventually(
      async () => !(await admin.listTopics()).some((t) => topics.includes(t)),
      'the topics deleted',
      30_000,
    );
  } finally {
    await admin.disconnect();
  }
}

// Defect 8 of issue 15: twin-state's stream index survived in its data directory while the
// Kafka log behind it was new, so registering answered 409 for a twin the log had never seen.
describe('twin-state over a log that is newer than its stream index (Kafka)', () => {
  it('rebuilds the index: the twin registers again and its readings are accepted', async () => {
    const env = twinStateEnv('kafka');
    const prefix = env['TWINLOG_TOPIC_PREFIX']!;
    const twinId = `mill-${randomUUID().slice(0, 8)}`;
    const register = { twinId, twinType: 'cnc-milling-machine', site: 'plant-a' };

    const before = await startTwinStateHarness('kafka', env);
    expect((await before.call('POST', '/v1/twins', register)).status).toBe(201);
    await before.close();

    await deleteTopics(prefix);
    const after = await startTwinStateHarness('kafka', env);
    try {
      const listed = await after.call('GET', '/v1/twins');
      expect(listed.json.twins.map((t: { twinId: string }) => t.twinId)).not.toContain(twinId);
      const again = await after.call('POST', '/v1/twins', register);
      expect([again.status, again.json?.error?.code]).toEqual([201, undefined]);

      const config = readIngestionConfig({
        ...env,
        INGESTION_HTTP_HOST: '127.0.0.1',
        INGESTION_HTTP_PORT: '0',
      });
      const infra = await openInfrastructure(config.service, {
        service: 'ingestion-test',
        store: true,
      });
      const ingestion = await startIngestion(config, infra, false);
      try {
        await eventually(async () => {
          const sent = await fetch(`${ingestion.url}/v1/readings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify([
              { twinId, property: 'temperature', value: 40, time: new Date().toISOString() },
            ]),
          });
          return (
            sent.status === 200 && ((await sent.json()) as { accepted: number }).accepted === 1
          );
        }, 'a reading for the twin accepted');
      } finally {
        await ingestion.close();
        await infra.close();
      }
    } finally {
      await after.close();
    }
  }, 180_000);
});
