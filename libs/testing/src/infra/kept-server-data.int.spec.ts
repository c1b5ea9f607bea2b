import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { provisionInfra } from './provision-infra';

/** What a stopped and restarted local Kafka shows a client: its cluster id and topics. */
async function look(brokers: string[], create?: string) {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (create) await admin.createTopics({ topics: [{ topic: create, numPartitions: 1 }] });
    return {
      clusterId: (await admin.describeCluster()).clusterId,
      topics: await admin.listTopics(),
    };
  } finally {
    await admin.disconnect();
  }
}

// Defect 8 of issue 15: the local distributed mode keeps its broker's data between runs.
describe('locally started servers on kept data (npm run start:distributed, infra:up)', () => {
  it('start again on the same Kafka cluster with its topics, while a run without kept data starts afresh', async () => {
    const keepDataIn = mkdtempSync(join(tmpdir(), 'kept-servers-'));
    const start = (keep: boolean) =>
      provisionInfra({
        only: ['kafka'],
        env: { TWINLOG_INFRA: 'local' },
        progress: () => undefined,
        ...(keep ? { keepDataIn } : {}),
      });
    const first = await start(true);
    const before = await look(first.settings.kafka!.brokers, 'kept-topic');
    await first.stop();

    const second = await start(true);
    const after = await look(second.settings.kafka!.brokers);
    await second.stop();
    expect(after.clusterId).toBe(before.clusterId);
    expect(after.topics).toContain('kept-topic');

    const fresh = await start(false);
    const other = await look(fresh.settings.kafka!.brokers);
    await fresh.stop();
    expect(other.clusterId).not.toBe(before.clusterId);
    expect(other.topics).not.toContain('kept-topic');
  }, 240_000);
});
