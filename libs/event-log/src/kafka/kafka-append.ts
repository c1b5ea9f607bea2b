import { TwinlogError, type NewEvent, type StreamName } from '@twinlog/domain';
import type { AppendOptions, AppendResult, LogPosition } from '../event-log.port';
import { validateNewEvent } from '../shared/event-codec';
import { toMessage } from './kafka-codec';
import type { KafkaLogConfig } from './kafka-log.config';
import type { KafkaStreamIndex } from './kafka-stream-index';
import type { TopicNames } from './kafka-topics';
import type { ProduceBatcher } from './produce-batcher';
import type { TwinPartitioner } from './twin-partitioner';

type Validated = { event: NewEvent; stream: StreamName };

/** What an append needs of the Kafka log. */
export interface AppendPath {
  readonly names: TopicNames;
  readonly settings: Pick<KafkaLogConfig, 'dedupeOnAppend' | 'telemetryEncoding'>;
  readonly batcher: ProduceBatcher;
  readonly partitioner: TwinPartitioner;
  /** The stream index caught up where these twins' events are. */
  caughtUpIndex(twinIds: string[]): Promise<KafkaStreamIndex>;
  /**
   * Told where appended events went, once acknowledged: the index waits for them before the
   * next read (a transaction's commit is answered before its markers make it readable).
   */
  wrote(positions: LogPosition[]): void;
}

/**
 * Appends to the Kafka log: validates, checks the expected revision and drops duplicates on the
 * stream index when asked to, then produces each stream's events (ids in flight here count as
 * seen, so two concurrent appends of one event produce it once).
 */
export class KafkaAppender {
  private readonly inFlight = new Set<string>();

  constructor(private readonly path: AppendPath) {}

  async append(events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const validated = events.map(validateNewEvent);
    const index = await this.indexFor(validated, options);
    if (options.expectedRevision) checkRevision(index!, options.expectedRevision);
    const duplicates: string[] = [];
    const fresh = validated.filter(({ event }) => {
      const seen = this.inFlight.has(event.id) || (index?.has(event.id) ?? false);
      if (seen) duplicates.push(event.id);
      else this.inFlight.add(event.id);
      return !seen;
    });
    try {
      const positions = await this.produce(fresh);
      this.path.wrote([...positions.values()]);
      const appended = fresh.map(({ event }) => ({
        id: event.id,
        position: positions.get(event.id)!,
      }));
      return { appended, duplicates };
    } finally {
      for (const { event } of fresh) this.inFlight.delete(event.id);
    }
  }

  /**
   * The stream index when the append needs it: duplicate ids may be anyone's, but an event's
   * earlier copy can only be where its twin's events go, and a revision check needs only the
   * twin's partitions: those are caught up.
   */
  private async indexFor(
    validated: Validated[],
    options: AppendOptions,
  ): Promise<KafkaStreamIndex | undefined> {
    const { dedupeOnAppend } = this.path.settings;
    if (options.expectedRevision === undefined && !dedupeOnAppend) return undefined;
    return this.path.caughtUpIndex([
      ...new Set([
        ...(dedupeOnAppend ? validated.map((v) => v.event.twinId) : []),
        ...(options.expectedRevision ? [options.expectedRevision.twinId] : []),
      ]),
    ]);
  }

  /**
   * Streams go out concurrently (and may share a request with other appends: see
   * ProduceBatcher); positions are reported back by event id, for the caller's order.
   */
  private async produce(fresh: Validated[]): Promise<Map<string, LogPosition>> {
    const { names, settings, batcher, partitioner } = this.path;
    const positions = new Map<string, LogPosition>();
    await Promise.all(
      [...new Set(fresh.map((f) => f.stream))].map(async (stream) => {
        const items = fresh.filter((f) => f.stream === stream);
        const messages = items.map(({ event }) =>
          toMessage(
            event,
            partitioner.partitionOf(stream, event.twinId),
            settings.telemetryEncoding,
          ),
        );
        const offsets = await batcher.produce(names.stream[stream], messages);
        items.forEach(({ event }, i) =>
          positions.set(event.id, {
            stream,
            partition: messages[i]!.partition!,
            offset: offsets[i]!,
          }),
        );
      }),
    );
    return positions;
  }
}

function checkRevision(
  index: KafkaStreamIndex,
  { twinId, revision }: NonNullable<AppendOptions['expectedRevision']>,
): void {
  const current = index.revisionOf(twinId);
  if (current !== revision)
    throw new TwinlogError(
      'REVISION_CONFLICT',
      `Twin ${twinId} is at revision ${current}, not ${revision}: reload and retry`,
      { twinId, expected: revision, current },
    );
}
