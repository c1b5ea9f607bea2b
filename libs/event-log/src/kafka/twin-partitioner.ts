import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import type { TopicNames } from './kafka-topics';

/**
 * The partition a twin's events go to: the same one a Java client would choose for the key
 * (murmur2), computed up front so that an append knows its positions.
 */
export class TwinPartitioner {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly metadata: Partial<Record<StreamName, PartitionMetadata[]>> = {};

  constructor(
    private readonly names: TopicNames,
    private readonly partitions: Record<StreamName, number>,
  ) {}

  partitionOf(stream: StreamName, twinId: string): number {
    // The partitioner only counts partitions; the metadata it is given is built once per stream.
    const partitionMetadata = (this.metadata[stream] ??= Array.from(
      { length: this.partitions[stream] },
      (_, partitionId) => ({
        partitionId,
        partitionErrorCode: 0,
        leader: 0,
        replicas: [0],
        isr: [0],
      }),
    ));
    return this.partitioner({
      topic: this.names.stream[stream],
      partitionMetadata,
      message: { key: twinId, value: null },
    });
  }
}
