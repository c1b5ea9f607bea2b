import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { realServer } from '@twinlog/testing';
import { eventually, registered, telemetry } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';
import { topicNames } from './kafka-topics';

const { brokers } = realServer('kafka');
const twin = () => `twin-${randomUUID().slice(0, 8)}`;

/** A log whose stream index lives in a file, as in a service's data directory. */
async function openLog(topicPrefix: string, indexPath: string, warnings: string[]) {
  return KafkaEventLog.connect({
    brokers,
    topicPrefix,
    partitions: 2,
    indexPath,
    clientLogLevel: 'nothing',
    warn: (message) => warnings.push(message),
  });
}

/** Deletes a prefix's topics and waits until the broker no longer lists them. */
async function deleteTopics(topicPrefix: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const names = topicNames(topicPrefix);
    const topics = [...Object.values(names.stream), names.deadLetter, names.snapshots];
    await admin.deleteTopics({ topics, timeout: 30_000 });
    await eventually(
      async () => !(await admin.listTopics()).some((t) => topics.includes(t)),
      'the deleted topics gone',
      30_000,
    );
  } finally {
    await admin.disconnect();
  }
}

// Defect 8 of issue 15: a local stream index must not outlive the log it caches.
describe('the Kafka stream index is tied to the log it caches', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stream-index-'));
  });

  it('rebuilds when its topics were deleted and recreated empty (an index ahead of the log)', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const first = await openLog(prefix, indexPath, warnings);
    await first.append([registered(id)], { expectedRevision: { twinId: id, revision: 0 } });
    expect(await first.readStream(id)).toHaveLength(1);
    await first.close();

    await deleteTopics(prefix);
    const second = await openLog(prefix, indexPath, warnings);
    try {
      expect(await second.readStream(id)).toEqual([]);
      // Registering again works: the twin is new to this log.
      await second.append([registered(id)], { expectedRevision: { twinId: id, revision: 0 } });
      expect(await second.readStream(id)).toHaveLength(1);
      expect(warnings.join('\n')).toMatch(
        /does not match the Kafka log.*beyond the partition's end/,
      );
    } finally {
      await second.close();
    }
  }, 120_000);

  it('rebuilds when recreated topics hold as many events again, but other ones', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const old = twin();
    const first = await openLog(prefix, indexPath, warnings);
    await first.append([registered(old), telemetry(old, 1, new Date().toISOString())]);
    expect(await first.readStream(old)).toHaveLength(2);
    await first.close();

    await deleteTopics(prefix);
    // Another installation writes more than the index held, to the same offsets and beyond.
    const other = await openLog(prefix, ':memory:', []);
    const fresh = twin();
    await other.append([
      registered(old),
      registered(fresh),
      registered(twin()),
      registered(twin()),
    ]);
    await other.close();

    const second = await openLog(prefix, indexPath, warnings);
    try {
      const stream = await second.readStream(old);
      expect(stream).toHaveLength(1);
      expect(stream[0]!.type).toBe('TwinRegistered');
      expect(await second.readStream(fresh)).toHaveLength(1);
      expect(warnings.join('\n')).toMatch(/is not the one it read there/);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('rebuilds when the brokers belong to another cluster than the one it was built from', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const first = await openLog(prefix, indexPath, warnings);
    await first.append([registered(id)]);
    expect(await first.readStream(id)).toHaveLength(1);
    await first.close();
    // The same file, as if built from a cluster since replaced.
    const db = new DatabaseSync(indexPath);
    db.prepare(`UPDATE index_meta SET value = 'another-cluster' WHERE key = 'cluster_id'`).run();
    db.close();

    const second = await openLog(prefix, indexPath, warnings);
    try {
      expect(await second.readStream(id)).toHaveLength(1);
      expect(warnings.join('\n')).toMatch(/built from Kafka cluster another-cluster/);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('keeps a matching index across restarts without rebuilding', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const first = await openLog(prefix, indexPath, warnings);
    await first.append([registered(id)]);
    expect(await first.readStream(id)).toHaveLength(1);
    await first.close();
    const second = await openLog(prefix, indexPath, warnings);
    try {
      await second.append([telemetry(id, 2, new Date().toISOString())]);
      expect(await second.readStream(id)).toHaveLength(2);
      expect(warnings).toEqual([]);
    } finally {
      await second.close();
    }
  }, 120_000);

  // Kafka's reset after an out-of-range offset brings nothing to compare when the recreated
  // topics are still empty, and a consumer that kept its fetch offsets sees no jump back at all:
  // only the log's end, behind the index, tells. Failed (timed out) before reads checked it.
  it('voids a running index whose topics are recreated empty under it (the log behind the index)', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const log = await openLog(prefix, indexPath, warnings);
    try {
      await log.append([registered(id), registered(twin()), registered(twin())]);
      expect(await log.readStream(id)).toHaveLength(1);
      await deleteTopics(prefix);
      await (await openLog(prefix, ':memory:', [])).close(); // recreates them, empty
      await eventually(
        async () => {
          try {
            return (await log.readStream(id)).length === 0;
          } catch {
            return false; // the broker's metadata settles after the recreation
          }
        },
        'the old twin gone from the rebuilt index',
        60_000,
      );
      expect(warnings.join('\n')).toMatch(/beyond the partition's end/);
    } finally {
      await log.close();
    }
  }, 120_000);

  // A running index that read on into a topic recreated under it is neither ahead of the log nor
  // saw a jump back: its oldest messages, read before the recreation, are what no longer match.
  // Simulated here by changing the ids the index holds (the topic's timing is the broker's).
  it('voids a running index whose oldest messages are no longer in the log (periodic check)', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: prefix,
      partitions: 2,
      indexPath,
      indexCheckIntervalMs: 500,
      clientLogLevel: 'nothing',
      warn: (message) => warnings.push(message),
    });
    try {
      await log.append([registered(id), registered(twin())]);
      expect(await log.readStream(id)).toHaveLength(1);
      const db = new DatabaseSync(indexPath);
      db.prepare(`UPDATE events SET id = 'gone-' || id`).run();
      db.close();
      await eventually(
        async () => {
          await log.readStream(id);
          return /indexed: the topic was recreated/.test(warnings.join('\n'));
        },
        'the index found void by the periodic check',
        60_000,
      );
      // Rebuilt from the log: the twin's event again, under its own id.
      const [event] = await log.readStream(id);
      expect(event?.id).not.toMatch(/^gone-/);
    } finally {
      await log.close();
    }
  }, 120_000);

  it('voids a running index whose topics are recreated under it (offset out of range)', async () => {
    const prefix = `sv-${randomUUID().slice(0, 8)}.`;
    const indexPath = join(dir, `${prefix}sqlite`);
    const warnings: string[] = [];
    const id = twin();
    const log = await openLog(prefix, indexPath, warnings);
    try {
      await log.append([registered(id), registered(twin()), registered(twin())]);
      expect(await log.readStream(id)).toHaveLength(1);
      await deleteTopics(prefix);
      const other = await openLog(prefix, ':memory:', []);
      await other.append([registered(twin())]);
      await other.close();
      await eventually(
        async () => {
          try {
            return (await log.readStream(id)).length === 0;
          } catch {
            return false; // the broker's metadata settles after the recreation
          }
        },
        'the old twin gone from the rebuilt index',
        60_000,
      );
      expect(warnings.join('\n')).toMatch(/rebuilt/);
    } finally {
      await log.close();
    }
  }, 120_000);
});
