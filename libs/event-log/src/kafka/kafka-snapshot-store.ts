import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Snapshot, SnapshotStore } from '../event-log.port';
import { readRange, watermarks } from './kafka-range-reader';

/**
 * Snapshots on a compacted topic keyed by twin id: Kafka keeps the latest per twin. Loading
 * reads the topic up to its end, keeping the newest per twin; a restart loads all snapshots in
 * one pass. Nothing is kept after a load: the service holds the states themselves, and as the
 * fold copies a state on write, a cache of every twin's last snapshot became a second copy of
 * every twin's state beside them.
 */
export class KafkaSnapshotStore implements SnapshotStore {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async save(snapshots: Snapshot[]): Promise<void> {
    // Sent in requests well under the broker's default 1 MB request size limit.
    let messages: Array<{ key: string; value: string }> = [];
    let bytes = 0;
    const flush = async () => {
      if (messages.length > 0) await this.producer.send({ topic: this.topic, acks: -1, messages });
      messages = [];
      bytes = 0;
    };
    for (const snapshot of snapshots) {
      const value = JSON.stringify(snapshot);
      if (bytes + value.length > 512 * 1024) await flush();
      messages.push({ key: snapshot.twinId, value });
      bytes += value.length;
    }
    await flush();
  }

  /** Reads the whole topic: for a check or a tool, not a service's hot path. */
  async loadLatest(twinId: string): Promise<Snapshot | undefined> {
    return (await this.load()).get(twinId);
  }

  async *loadAll(): AsyncIterable<Snapshot> {
    yield* [...(await this.load()).values()].sort((a, b) => a.twinId.localeCompare(b.twinId));
  }

  private async load(): Promise<Map<string, Snapshot>> {
    const latest = new Map<string, Snapshot>();
    const ranges = (await watermarks(this.admin, this.topic)).map((w) => ({
      partition: w.partition,
      start: w.low,
      end: w.high,
    }));
    await readRange(this.kafka, this.admin, this.topic, ranges, async (_partition, messages) => {
      for (const m of messages) {
        if (!m.value || !m.key) continue;
        latest.set(m.key.toString('utf8'), JSON.parse(m.value.toString('utf8')) as Snapshot);
      }
    });
    return latest;
  }
}
