import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { realServer } from '@twinlog/testing';
import type { Ownership } from '../event-log.port';
import { ownerOf, type OwnershipMap } from '../ownership/partition-owners';
import { eventually, registered } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';
import { topicNames } from './kafka-topics';

const { brokers } = realServer('kafka');
const warnings: string[] = [];

const open = (topicPrefix: string) =>
  KafkaEventLog.connect({
    brokers,
    topicPrefix,
    partitions: 6,
    clientLogLevel: 'nothing',
    sessionTimeoutMs: 6_000,
    rebalanceTimeoutMs: 6_000,
    warn: (m) => warnings.push(m),
  });

interface Member {
  log: KafkaEventLog;
  ownership: Ownership;
  /** Every change told, in order: a map's owners as `url: partitions`, or "moving". */
  seen: string[];
}

async function join(prefix: string, url: string): Promise<Member> {
  const log = await open(prefix);
  const seen: string[] = [];
  const ownership = await log.joinOwnership({
    group: 'twin-state',
    url,
    onChange: (map) => seen.push(map ? drawn(map) : 'moving'),
    onFailure: (error) => seen.push(`failed: ${error.message}`),
  });
  return { log, ownership, seen };
}

const drawn = (map: OwnershipMap) =>
  map.owners.map((o) => `${o.url}: ${o.partitions.join(',')}`).join(' | ');

describe('Replicas sharing the partitions on Kafka (ADR 0023)', () => {
  const members: Member[] = [];
  afterEach(async () => {
    await Promise.allSettled(members.splice(0).map((m) => m.log.close()));
  });

  it('agree on one whole map, take a leaver’s partitions over, and place every twin with its owner', async () => {
    const prefix = `own-${randomUUID().slice(0, 8)}.`;
    for (const url of ['http://c:1', 'http://a:1', 'http://b:1'])
      members.push(await join(prefix, url));
    const settled = 'http://a:1: 0,1 | http://b:1: 2,3 | http://c:1: 4,5';
    const mapOf = (m: Member) => {
      const map = m.ownership.current();
      return map ? drawn(map) : 'moving';
    };
    await eventually(() => members.every((m) => mapOf(m) === settled), 'one settled map', 30_000);
    // Each member knows itself in the map.
    expect(members.map((m) => ownerOf(m.ownership.current()!, 0)?.url)).toEqual([
      'http://a:1',
      'http://a:1',
      'http://a:1',
    ]);
    const first = members[0]!.ownership.current()!;
    expect(first.owners.find((o) => o.memberId === first.self)?.url).toBe('http://c:1');

    // A twin's partition is the one its events are appended to.
    const twinId = `pump-${randomUUID().slice(0, 6)}`;
    const { appended } = await members[0]!.log.append([registered(twinId)]);
    expect(members[1]!.ownership.partitionOf(twinId)).toBe(appended[0]!.position.partition);

    // b leaves: a and c share its partitions, and say "moving" in between.
    const [c, a, b] = members;
    await b!.ownership.leave();
    const after = 'http://a:1: 0,1,2 | http://c:1: 3,4,5';
    await eventually(() => [a!, c!].every((m) => mapOf(m) === after), 'the two left', 30_000);
    expect(a!.seen).toContain('moving');
    expect(a!.seen.at(-1)).toBe(after);
    expect(warnings).toEqual([]);
  }, 90_000);

  it('refuses to join when twin-events and telemetry have different partition counts', async () => {
    const prefix = `own-${randomUUID().slice(0, 8)}.`;
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const names = topicNames(prefix);
      await admin.createTopics({
        topics: [{ topic: names.stream.telemetry, numPartitions: 4 }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    const log = await open(prefix);
    members.push({ log, ownership: undefined as never, seen: [] });
    await expect(
      log.joinOwnership({
        group: 'twin-state',
        url: 'http://a:1',
        onChange: () => undefined,
        onFailure: () => undefined,
      }),
    ).rejects.toThrow(/has 6 partitions and .*telemetry 4/);
  }, 60_000);
});
