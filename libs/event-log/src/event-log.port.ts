import type { AccessKeyRecord, EventEnvelope, NewEvent, StreamName } from '@twinlog/domain';
import type { OwnershipMap } from './ownership/partition-owners';

/** Where an event sits in the log: Kafka's coordinates; the embedded log has one partition per stream. */
export interface LogPosition {
  stream: StreamName;
  partition: number;
  offset: number;
}

export interface RecordedEvent {
  event: EventEnvelope;
  position: LogPosition;
}

export interface AppendOptions {
  /**
   * Optimistic concurrency for one twin: the revision of its last twin-events event that the
   * caller decided on (telemetry and alerts never move it). A different current revision
   * fails with REVISION_CONFLICT and appends nothing. Only meaningful from the twin's single writer (docs/adr/0002).
   */
  expectedRevision?: { twinId: string; revision: number };
}

export interface AppendResult {
  /** Events newly recorded, with their positions (in Kafka, revisions are known once read back). */
  appended: Array<{ id: string; position: LogPosition }>;
  /** Ids that were already in the log: appending them again was a no-op. */
  duplicates: string[];
}

export interface ReadStreamOptions {
  /**
   * Every stream (twin-events, telemetry, alerts: a twin's whole trail, merged by record time)
   * unless narrowed. Folding a twin's state reads TWIN_STATE_STREAMS only.
   */
  streams?: StreamName[];
  /** Only events recorded at or before this time (state as the log knew it at T). */
  recordedUntil?: string;
  /** Only events that occurred at or before this time (state as the plant was at T). */
  occurredUntil?: string;
  types?: string[];
  /** Only the events with these ids (which event set a value, without decoding the rest). */
  ids?: string[];
}

/** A message that could not be processed: kept with the reason and where it came from. */
export interface DeadLetter {
  reason: string;
  code: string;
  source: LogPosition | { stream: string; partition?: number; offset?: number; origin?: string };
  /** The message as it was: text, or base64 when `payloadEncoding` says so (binary messages). */
  payload: string;
  payloadEncoding?: 'base64';
  /**
   * Set when the payload was cut to the stored cap (DEAD_LETTER_PAYLOAD_BYTES): the size, in
   * bytes, of the whole message. A cut payload is kept to be read, not to be replayed.
   */
  payloadBytes?: number;
  consumer: string;
  at: string;
}

/** A dead letter as recorded: its id is its position in the dead-letter log, stable for its life. */
export interface RecordedDeadLetter extends DeadLetter {
  id: string;
}

/**
 * What one replay of dead letters did, recorded on the dead-letter log itself so that a letter
 * whose readings were accepted is never replayed into the log again (the ingestion's in-memory
 * de-duplication window is bounded; this record is not).
 */
export interface DeadLetterReplay {
  at: string;
  /** Who asked (the CLI user, an API caller's name). */
  by: string;
  /** The dead letters whose readings are now in the log (accepted now, or found to be duplicates). */
  accepted: string[];
  /** The dead letters still refused, with the code of this attempt. */
  refused: Array<{ id: string; code: string }>;
  /** The dead letters that cannot be replayed (whole requests, not readings). */
  skipped: string[];
}

/** One page of dead letters, read in log order from a position. */
export interface DeadLetterPageQuery {
  /** Start after this id (a previous page's `next`); from the first letter when absent. */
  after?: string;
  /** Only letters with this code. */
  code?: string;
  /** Only letters recorded at or after this time. */
  since?: string;
  /** At most this many letters. */
  limit: number;
  /** Stop once the page's payloads add up to this many bytes (a page has at least one letter). */
  maxBytes: number;
}

export interface DeadLetterPage {
  letters: RecordedDeadLetter[];
  /**
   * Where the next page starts (pass it as `after`), or null when the log was read to its end.
   * A store bounds the records it reads per page, so a page may be short (even empty) and still
   * have a next one.
   */
  next: string | null;
  /** Set when `after` is past the last record of the log: no page starts there. */
  afterEnd?: true;
}

/** Each partition of a stream: the first offset it holds and the offset its next event gets. */
export interface PartitionBounds {
  stream: StreamName;
  partition: number;
  start: number;
  end: number;
}

export type BatchHandler = (batch: RecordedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: members share the partitions; each has its committed offsets. */
  group: string;
  streams: StreamName[];
  /**
   * Called with a batch; offsets are committed only after it resolves, so its effects must be
   * durable by then (at-least-once). A rejection is retried; poison messages never reach it.
   */
  handler: BatchHandler;
  /** Where a new group starts: the beginning (default) or only new events. */
  fromBeginning?: boolean;
  maxBatchSize?: number;
  /**
   * Every subscriber gets every event, from the beginning, and nothing is committed: for an
   * in-memory read model that each instance needs whole (the ingestion's twin directory).
   * `group` then only names the subscriber in logs and dead letters.
   */
  broadcast?: boolean;
  /**
   * Told which partitions this member now holds, after every rebalance (the embedded log: its
   * one partition per stream, once): a stateful consumer drops the state of partitions it lost.
   */
  onAssignment?: (partitions: LogPosition['partition'][], stream: StreamName) => void;
  /**
   * Partitions whose batches may be handled at the same time (Kafka; the embedded log has one
   * partition per stream). Only for handlers whose per-partition work is independent: it cuts
   * latency when a handler waits on I/O (an append) for each batch. Default 1.
   */
  concurrentPartitions?: number;
  /**
   * Broadcast only: where to start, per stream partition (for example where a start-up replay
   * ended); partitions not listed start at the beginning.
   */
  startAt?: LogPosition[];
}

export interface Subscription {
  /** Finishes the batch in hand, commits, and leaves the group. */
  stop(): Promise<void>;
}

export type ReplayFrom =
  | { kind: 'beginning' }
  | { kind: 'positions'; positions: LogPosition[] }
  | { kind: 'time'; recordedAt: string };

export interface ReplayOptions {
  streams: StreamName[];
  from?: ReplayFrom;
  /** Stop at events recorded after this time; default: the end of the log when replay began. */
  until?: string;
  onProgress?: (progress: ReplayProgress) => void;
  maxBatchSize?: number;
  /** Only these partitions (of every stream replayed); all when undefined. */
  partitions?: number[];
  /**
   * Stop before these positions (exclusive, per stream partition) instead of at the end: a
   * consumer restoring its state up to where its subscription resumes.
   */
  endAt?: LogPosition[];
}

export interface ReplayProgress {
  events: number;
  /** Events between the start and the end of the replay, when the log can tell. */
  total?: number;
}

export interface ReplayResult {
  events: number;
  /** The next position of each partition replayed: where a follow-up replay starts. */
  next: LogPosition[];
}

/** A twin's state as of a set of log positions: replay continues after them. */
export interface Snapshot<S = unknown> {
  twinId: string;
  state: S;
  /** Next offset to read per stream partition. */
  next: LogPosition[];
  takenAt: string;
}

export interface SnapshotStore {
  save(snapshots: Snapshot[]): Promise<void>;
  loadLatest(twinId: string): Promise<Snapshot | undefined>;
  loadAll(): AsyncIterable<Snapshot>;
}

/**
 * API keys beside the log (issue 18), one latest record per key id: every service of every
 * replica reads the same keys. Records are validated on both sides: `put` refuses a record that
 * `all` would skip (COMMAND_INVALID), and `all` skips, with a warning, a stored record that is
 * invalid (a key whose latest record is invalid is left out, never read in an older version).
 */
export interface AccessKeyStore {
  /** Stores the key's latest record (a new key, or the same key revoked), durably (acks=all / synced). */
  put(record: AccessKeyRecord): Promise<void>;
  /**
   * Every key's latest record, read from the store now, not from a cache of this instance, so
   * that a key created or revoked through another instance shows. Sorted by createdAt.
   */
  all(): Promise<AccessKeyRecord[]>;
}

/**
 * Small JSON documents by key that every instance of a service reads and writes (simulation
 * jobs: any replica answers for a job another one runs, and a restart loses none). The latest
 * document per key is kept; a delete removes the key. Kafka: a compacted topic that each
 * instance follows; embedded: a table in the log's file.
 */
export interface DocumentStore {
  /** Stores the key's latest document durably (acks=all / committed). Any JSON value but null. */
  put(key: string, document: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The key's latest document (undefined when there is none), with every put and delete that any
   * instance had acknowledged when the call began. Throws an error with `retriable: true` when
   * the store cannot be read up to that point in time.
   */
  get(key: string): Promise<unknown>;
  /** Every key's latest document, as `get` reads: shared objects, to read and never change. */
  all(): Promise<Map<string, unknown>>;
}

/** A member joining the replicas of a scaled-out service (twin-state, ADR 0023). */
export interface OwnershipOptions {
  /** The group the replicas form (prefixed like the topics). */
  group: string;
  /** The URL the other replicas reach this one's HTTP API on (forwarded commands, fan-out reads). */
  url: string;
  /**
   * Told of every change: the new map once the group has settled, or undefined from the moment
   * a rebalance starts (nothing is owned until the next map).
   */
  onChange(map: OwnershipMap | undefined): void;
  /**
   * Told when the membership stopped for good (the group refused it: no ACL to join or
   * describe it); a failure the client retries (a broker gone for a while) is not told.
   */
  onFailure(error: Error): void;
}

/** This member's place among the replicas: which partitions each one owns. */
export interface Ownership {
  /** The map now, or undefined while the group rebalances or before it first settled. */
  current(): OwnershipMap | undefined;
  /** The partition a twin's events are in: the same in every twin-keyed stream (checked at join). */
  partitionOf(twinId: string): number;
  /**
   * Appends as the owner of `fencedBy`'s partition (the twin the command is for): fenced, so that
   * once another replica has taken that partition over, this replica's append fails with
   * PARTITION_MOVING and nothing of it is read by anyone. Also PARTITION_MOVING when this replica
   * does not own the partition in its current map. Events of other twins in the same append
   * (a registration's parent) go in the same transaction: all or none.
   */
  append(fencedBy: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Leaves the group at once (the others take its partitions over without waiting for a timeout). */
  leave(): Promise<void>;
}

/** How far a retention run has got: events scanned, then deleted. */
export interface RetentionProgress {
  phase: 'scan' | 'delete';
  done: number;
  total: number;
}

export interface RetentionRun {
  /** From when the raw telemetry log answers whole (null: nothing has ever been dropped). */
  keptFrom: string | null;
  scanned: number;
  deleted: number;
  /** The consumer group that kept the cutoff back (it has not read further yet), if one did. */
  heldBackBy: { group: string; offset: number } | null;
  ms: number;
}

/**
 * Retention of the raw telemetry log (the embedded log; docs/adr/0024): drops telemetry events
 * older than a time, keeping those that still hold a twin's current value, so any state from
 * `keptFrom` on folds exactly as before.
 */
export interface RetentionOptions {
  onProgress?: (progress: RetentionProgress) => void;
  /** Consumer groups that must have read telemetry before it goes (the store's writer). */
  waitFor?: readonly string[];
}

export interface TelemetryRetention {
  keptFrom(): string | null;
  /** The consumer group furthest behind on telemetry (or one of `waitFor` not started), which a cutoff never passes. */
  heldBack(waitFor?: readonly string[]): { group: string; offset: number } | null;
  run(olderThan: string, options?: RetentionOptions): Promise<RetentionRun>;
  counts(): { events: number; keptForState: number; freeBytes: number };
}

/**
 * The event log: the truth of Twinlog. Two adapters, Kafka and embedded (node:sqlite), share
 * these semantics and one contract test suite.
 */
export interface EventLog {
  append(events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** One twin's events in log order (per stream), merged across streams by record time. */
  readStream(twinId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  replay(options: ReplayOptions, handler: BatchHandler): Promise<ReplayResult>;
  deadLetter(letter: DeadLetter): Promise<void>;
  /**
   * Every dead letter in the order recorded, each with its stable id (replay records left out).
   * Reads the whole dead-letter log: for tests and tools; services read pages or ids.
   */
  readDeadLetters(): Promise<RecordedDeadLetter[]>;
  /** One page of dead letters, reading only what the page needs (see DeadLetterPageQuery). */
  readDeadLetterPage(query: DeadLetterPageQuery): Promise<DeadLetterPage>;
  /** The dead letters with these ids, in log order; unknown ids are left out. */
  readDeadLettersById(ids: string[]): Promise<RecordedDeadLetter[]>;
  /** How many dead-letter records this instance has read from its store: a diagnostic for tests. */
  readonly deadLetterRecordsRead: number;
  /** Records what a replay of dead letters did (see DeadLetterReplay). */
  recordDeadLetterReplay(replay: DeadLetterReplay): Promise<void>;
  /** Every replay recorded, oldest first. */
  readDeadLetterReplays(): Promise<DeadLetterReplay[]>;
  /** Where each partition of a stream starts and ends now (for reading a stream's tail). */
  bounds(stream: StreamName): Promise<PartitionBounds[]>;
  readonly snapshots: SnapshotStore;
  readonly accessKeys: AccessKeyStore;
  readonly simulationJobs: DocumentStore;
  /**
   * Optional: prepare per-twin reads in the background (the Kafka adapter starts its stream
   * index, which otherwise starts on the first readStream and catches up with the whole log).
   */
  warmUp?(): void;
  /**
   * Optional: join the replicas of a scaled-out service, which share the twin-keyed streams'
   * partitions (Kafka). A log without it (the embedded one, one process) has one owner of all.
   */
  joinOwnership?(options: OwnershipOptions): Promise<Ownership>;
  /** Optional: the raw telemetry log's retention (the embedded log; Kafka's is the topic's). */
  readonly telemetryRetention?: TelemetryRetention;
  close(): Promise<void>;
}
