import { randomUUID } from 'node:crypto';
import { isTwinlogError, type NewEvent } from '@twinlog/domain';
import { realServer } from '@twinlog/testing';
import { registered, retired } from '../testing/sample-events';
import { connectKafka, type KafkaConnection } from './kafka-connection';
import { KafkaEventLog } from './kafka-event-log';
import { PartitionFences } from './partition-fences';
import { TwinPartitioner } from './twin-partitioner';

const { brokers } = realServer('kafka');
const config = (topicPrefix: string) => ({
  brokers,
  topicPrefix,
  partitions: 2,
  clientLogLevel: 'nothing' as const,
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 6_000,
});

/** Two writers of one installation's partitions, each thinking it owns them (a zombie and its successor). */
function fencesOf(connection: KafkaConnection): PartitionFences {
  const { kafka, names, settings, partitions } = connection;
  return new PartitionFences(kafka, `${names.prefix}twin-state.partition-`, {
    names,
    settings: { ...settings, dedupeOnAppend: false },
    partitioner: new TwinPartitioner(names, partitions),
    caughtUpIndex: () => Promise.reject(new Error('no index in this test')),
    wrote: () => undefined,
  });
}

/** A twin id whose events go to the partition. */
function twinOn(connection: KafkaConnection, partition: number): string {
  const partitioner = new TwinPartitioner(connection.names, connection.partitions);
  for (;;) {
    const id = `fenced-${randomUUID().slice(0, 8)}`;
    if (partitioner.partitionOf('twin-events', id) === partition) return id;
  }
}

describe('Appends fenced by partition (ADR 0023, item 3) on the real broker', () => {
  const closing: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
  });

  async function installation() {
    const prefix = `fence-${randomUUID().slice(0, 8)}.`;
    const connection = await connectKafka(config(prefix));
    closing.push(
      () => connection.producer.disconnect(),
      () => connection.admin.disconnect(),
    );
    return { prefix, connection };
  }

  it('refuses an old owner’s appends once another replica claimed the partition, and every reader passes the transaction markers', async () => {
    const { prefix, connection } = await installation();
    const [old, next] = [fencesOf(connection), fencesOf(connection)];
    closing.push(
      () => old.releaseAll(),
      () => next.releaseAll(),
    );
    const twin = twinOn(connection, 1);
    await old.hold([1], async () => false);
    const first = registered(twin);
    await old.append(1, [first]);

    // Appends of the old owner racing the claim: each is in the log, or refused with PARTITION_MOVING.
    const racing: NewEvent[] = Array.from({ length: 20 }, () =>
      retired(twin, { id: randomUUID() }),
    );
    const outcomes = racing.map((event, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => old.append(1, [event])),
    );
    await next.hold([1], async () => false);
    const settled = await Promise.allSettled(outcomes);
    const refusedAfter = await old.append(1, [retired(twin)]).then(
      () => 'appended',
      (error: unknown) => (isTwinlogError(error, 'PARTITION_MOVING') ? 'refused' : error),
    );
    expect(refusedAfter).toBe('refused');
    for (const s of settled)
      if (s.status === 'rejected') expect(isTwinlogError(s.reason, 'PARTITION_MOVING')).toBe(true);
    const last = retired(twin);
    await next.append(1, [last]);

    const applied = racing.filter((_, i) => settled[i]!.status === 'fulfilled').map((e) => e.id);
    const expected = [first.id, ...applied, last.id];

    // The log now holds transaction markers after each commit and abort: a replay to the end,
    // the stream index and the bounds all read past them and see committed events only.
    const log = await KafkaEventLog.connect({ ...config(prefix), indexedStreams: ['twin-events'] });
    closing.push(() => log.close());
    const replayed: string[] = [];
    const { next: after } = await log.replay({ streams: ['twin-events'] }, async (batch) => {
      for (const r of batch) replayed.push(r.event.id);
    });
    expect(replayed).toEqual(expected);
    expect((await log.readStream(twin, { streams: ['twin-events'] })).map((e) => e.id)).toEqual(
      expected,
    );
    const [bounds] = (await log.bounds('twin-events')).filter((b) => b.partition === 1);
    // Every committed event's marker takes an offset: the end is past the last event.
    expect(bounds!.end).toBeGreaterThan(expected.length);
    expect(after.find((p) => p.stream === 'twin-events' && p.partition === 1)?.offset).toBe(
      bounds!.end,
    );
  }, 60_000);

  it('claims a fenced partition again only when the group, asked then, gives it to this replica', async () => {
    const { connection } = await installation();
    const [owner, stale] = [fencesOf(connection), fencesOf(connection)];
    closing.push(
      () => owner.releaseAll(),
      () => stale.releaseAll(),
    );
    const twin = twinOn(connection, 0);
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'appended',
        (error: unknown) => (isTwinlogError(error, 'PARTITION_MOVING') ? 'refused' : error),
      );
    // The owner's producer is fenced (as by the broker aborting a transaction that outlived
    // its timeout, or by a replica whose map is out of date).
    await owner.hold([0], async () => true);
    await stale.hold([0], async () => false);
    expect(await outcome(owner.append(0, [registered(twin)]))).toBe('refused');
    // The group confirms the owner: it claims again, and the stale one is refused for good.
    expect(await outcome(owner.append(0, [retired(twin)]))).toBe('appended');
    expect(await outcome(stale.append(0, [retired(twin)]))).toBe('refused');
    expect(await outcome(stale.append(0, [retired(twin)]))).toBe('refused');
    expect(await outcome(owner.append(0, [retired(twin)]))).toBe('appended');
  }, 60_000);

  it('answers PARTITION_MOVING through the ownership for a twin this replica does not own, and after it left', async () => {
    const { prefix } = await installation();
    const log = await KafkaEventLog.connect(config(prefix));
    closing.push(() => log.close());
    const ownership = await log.joinOwnership({
      group: 'twin-state',
      url: 'http://only:1',
      onChange: () => undefined,
      onFailure: () => undefined,
    });
    for (let i = 0; i < 100 && !ownership.current(); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ownership.current()?.owners).toHaveLength(1);
    const twin = `owned-${randomUUID().slice(0, 8)}`;
    const { appended } = await ownership.append(twin, [registered(twin)]);
    expect(appended).toHaveLength(1);
    await ownership.leave();
    await expect(ownership.append(twin, [retired(twin)])).rejects.toMatchObject({
      code: 'PARTITION_MOVING',
    });
  }, 60_000);
});
