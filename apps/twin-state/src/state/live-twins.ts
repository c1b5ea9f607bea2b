import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  isAlertEvent,
  restoreTwinState,
  TwinProjection,
  type StreamName,
  type TwinState,
} from '@twinlog/domain';
import type { EventLog, LogPosition, RecordedEvent } from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import { EpisodeIndex } from '../ai/episode-index';
import { TwinOwnership } from '../replicas/twin-ownership';

const key = (p: { stream: string; partition: number }) => `${p.stream}/${p.partition}`;

/**
 * Streams followed for the live stream only, from where they end at start: the state folds
 * nothing of them, so nothing of their past is replayed (the alerts stream: ADR 0002).
 */
export const FOLLOWED_FROM_START: readonly StreamName[] = ['alerts'];

/** A partition whose take-over failed (the log unreachable) is tried again after this long. */
const HANDOVER_RETRY_MS = 5_000;

/** The streams keyed by twin whose partitions replicas share (ADR 0023). */
const OWNED_STREAMS: readonly StreamName[] = ['twin-events', 'telemetry'];

/** Told of what the live feed folds, once the start-up replay is done (the live stream). */
export interface LiveFollower {
  /** The replay ended here: the feed goes on from these positions. */
  caughtUp(next: LogPosition[]): void;
  /** A batch of the feed (every partition), already folded into the state (this replica's). */
  folded(batch: RecordedEvent[]): void;
}

/**
 * The current state of every twin, in memory, folded from the log: restored at start from the
 * latest snapshots, then the service host replays the events after them and keeps it current
 * with the live feed. Folding is idempotent (an event at or below a twin's revision changes
 * nothing), so events seen twice, by the replay and the feed or after a rebalance, are harmless.
 */
@Injectable()
export class LiveTwins {
  private projection = new TwinProjection();
  /** Next offset per stream partition: everything before it has been folded. */
  private readonly next = new Map<string, LogPosition>();
  /** Twins changed since the last snapshot. */
  readonly changed = new Set<string>();
  eventsSinceSnapshot = 0;
  snapshotsRestored = 0;
  private follower: LiveFollower | undefined;
  private following = false;
  /** Anomaly episodes → their twin (the explanations' ids, docs/ai.md). */
  readonly episodes = new EpisodeIndex();
  /** The partitions whose twins this replica holds; undefined: all of them (one replica). */
  private owned: Set<number> | undefined;
  /** Partitions being caught up after a handover: what the feed brings meanwhile waits here. */
  private readonly catchingUp = new Map<number, RecordedEvent[]>();
  /** Handovers, one at a time, in the order the group decided them. */
  private handovers: Promise<void> = Promise.resolve();
  /** A map that came while the start-up replay ran: applied once it is done. */
  private ownedLater: number[] | undefined;
  private readonly logger = new Logger('twin state');

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    private readonly ownership: TwinOwnership,
  ) {
    ownership.onOwned((owned) => this.reassign(owned));
  }

  /**
   * Loads the latest snapshots; returns where the replay starts (each partition's oldest, and
   * the end of the streams followed only from the start).
   */
  async restore(): Promise<LogPosition[]> {
    const owned = await this.ownership.join();
    this.owned = owned ? new Set(owned) : undefined;
    const states: TwinState[] = [];
    const from = new Map<string, LogPosition>();
    for (const stream of FOLLOWED_FROM_START)
      for (const b of await this.log.bounds(stream))
        from.set(key(b), { stream, partition: b.partition, offset: b.end });
    // Another replica's partitions: the feed passes over them from their end, folding nothing.
    if (this.owned)
      for (const stream of OWNED_STREAMS)
        for (const b of await this.log.bounds(stream))
          if (!this.owned.has(b.partition))
            from.set(key(b), { stream, partition: b.partition, offset: b.end });
    for await (const snapshot of this.log.snapshots.loadAll()) {
      if (!this.holdsLive(snapshot.twinId)) continue;
      states.push(restoreTwinState(snapshot.state));
      // Replay from the oldest snapshot position of each partition; newer twins skip what they hold.
      for (const p of snapshot.next) {
        if (FOLLOWED_FROM_START.includes(p.stream) || !this.ownsPartition(p)) continue;
        const known = from.get(key(p));
        if (!known || p.offset < known.offset) from.set(key(p), p);
      }
    }
    this.projection = new TwinProjection(states);
    this.episodes.seed(states);
    this.snapshotsRestored = states.length;
    return [...from.values()];
  }

  /** One follower of the live feed (the stream hub); it is told from the replay's end on. */
  followWith(follower: LiveFollower): void {
    this.follower = follower;
  }

  /** The replay reached the end: partitions it found empty start the feed where they end. */
  caughtUp(next: LogPosition[]): void {
    this.following = true;
    this.follower?.caughtUp(next);
    for (const p of next) {
      const known = this.next.get(key(p));
      if (!known || p.offset > known.offset) this.next.set(key(p), p);
    }
    if (this.ownedLater) this.reassign(this.ownedLater);
    this.ownedLater = undefined;
  }

  apply(batch: RecordedEvent[]): void {
    let mine = batch;
    if (this.owned) {
      mine = [];
      for (const r of batch) {
        if (!OWNED_STREAMS.includes(r.position.stream)) mine.push(r);
        else if (this.owned.has(r.position.partition)) mine.push(r);
        else this.catchingUp.get(r.position.partition)?.push(r);
      }
    }
    this.fold(mine);
    for (const { position } of batch) this.passed(position);
    // The live stream carries every twin's events, whichever replica holds the twin: its
    // messages are made from the events alone, so any replica serves the whole plant's stream.
    if (this.following) this.follower?.folded(batch);
  }

  /**
   * Whether a twin's partition is this replica's and caught up: its state and commands are
   * answered here (always, with one replica).
   */
  holdsLive(twinId: string): boolean {
    return !this.owned || this.owned.has(this.partitionOf(twinId));
  }

  /** The partitions whose twins this replica holds, caught up; undefined: all (one replica). */
  heldPartitions(): number[] | undefined {
    return this.owned ? [...this.owned].sort((a, b) => a - b) : undefined;
  }

  /** Resolves once the handovers decided so far are done (tests, and a command that waits). */
  handoversDone(): Promise<void> {
    return this.handovers;
  }

  private fold(records: RecordedEvent[]): void {
    // Alerts pass through to the live stream; they change no twin and need no snapshot.
    const states = records.filter((r) => !isAlertEvent(r.event));
    this.projection.apply(states.map((r) => r.event));
    for (const { event } of states) {
      this.changed.add(event.twinId);
      this.episodes.note(event);
    }
    this.eventsSinceSnapshot += states.length;
  }

  /** The feed (or a catch-up) went past this position: everything before it is folded or not ours. */
  private passed(position: LogPosition): void {
    const known = this.next.get(key(position));
    if (!known || position.offset + 1 > known.offset)
      this.next.set(key(position), { ...position, offset: position.offset + 1 });
  }

  /**
   * The group gave this replica a new set of partitions: the twins of those it lost are
   * dropped (their new owner has them), those it gained are caught up from their snapshots and
   * the log up to where the feed is, while the feed's events for them wait, then folded.
   */
  private reassign(owned: number[]): void {
    if (!this.owned) return;
    if (!this.following) {
      this.ownedLater = owned;
      return;
    }
    this.handovers = this.handovers.then(() => this.handOver(new Set(owned)));
  }

  private async handOver(owned: Set<number>): Promise<void> {
    const held = this.owned!;
    const lost = [...held].filter((p) => !owned.has(p));
    const gained = [...owned].filter((p) => !held.has(p));
    if (lost.length > 0) {
      const gone = new Set(lost);
      for (const p of lost) held.delete(p);
      const dropped = this.projection.forget((twinId) => gone.has(this.partitionOf(twinId)));
      for (const twinId of [...this.changed])
        if (gone.has(this.partitionOf(twinId))) this.changed.delete(twinId);
      this.logger.log(`handed partitions ${lost.join(', ')} over: ${dropped} twins dropped`);
    }
    if (gained.length === 0) return;
    const started = Date.now();
    for (const p of gained) this.catchingUp.set(p, []);
    try {
      const events = await this.catchUp(gained);
      // Synchronously: what the feed brought meanwhile, then the partitions are live.
      for (const p of gained) {
        this.fold(this.catchingUp.get(p) ?? []);
        this.catchingUp.delete(p);
        held.add(p);
      }
      this.logger.log(
        `took partitions ${gained.join(', ')} over: ${events} events in ${Date.now() - started} ms`,
      );
    } catch (error) {
      // What was adopted of those partitions goes: the next try starts from the snapshots again.
      const failed = new Set(gained);
      for (const p of gained) this.catchingUp.delete(p);
      this.projection.forget((twinId) => failed.has(this.partitionOf(twinId)));
      for (const twinId of [...this.changed])
        if (failed.has(this.partitionOf(twinId))) this.changed.delete(twinId);
      this.logger.error(
        `taking partitions ${gained.join(', ')} over failed: ${(error as Error).message}; trying again in ${HANDOVER_RETRY_MS / 1000} s (their twins' requests get 503 PARTITION_MOVING meanwhile)`,
      );
      // Again with the group's map as it is then (the partitions may have moved on).
      setTimeout(() => {
        const owned = this.ownership.ownedNow();
        if (owned) this.reassign(owned);
      }, HANDOVER_RETRY_MS).unref();
    }
  }

  /** Snapshots of the gained partitions' twins, then the log after them up to where the feed is. */
  private async catchUp(gained: number[]): Promise<number> {
    const partitions = new Set(gained);
    const states: TwinState[] = [];
    const from = new Map<string, LogPosition>();
    for await (const snapshot of this.log.snapshots.loadAll()) {
      if (!partitions.has(this.partitionOf(snapshot.twinId))) continue;
      states.push(restoreTwinState(snapshot.state));
      for (const p of snapshot.next) {
        if (!OWNED_STREAMS.includes(p.stream) || !partitions.has(p.partition)) continue;
        const known = from.get(key(p));
        if (!known || p.offset < known.offset) from.set(key(p), p);
      }
    }
    this.projection.adopt(states);
    this.episodes.seed(states);
    const endAt = OWNED_STREAMS.flatMap((stream) =>
      gained.flatMap((partition) => this.next.get(key({ stream, partition })) ?? []),
    );
    const { events } = await this.log.replay(
      {
        streams: [...OWNED_STREAMS],
        from: { kind: 'positions', positions: [...from.values()] },
        partitions: gained,
        endAt,
      },
      async (batch) => this.fold(batch),
    );
    return events;
  }

  private partitionOf(twinId: string): number {
    return this.ownership.partitionOf(twinId) ?? 0;
  }

  private ownsPartition(p: LogPosition): boolean {
    return !this.owned || !OWNED_STREAMS.includes(p.stream) || this.owned.has(p.partition);
  }

  /** Where each twin sits (site, parent): read once, when the live stream starts. */
  places(): Array<{ twinId: string; site: string | null; parentId: string | null }> {
    return this.all().map((s) => ({ twinId: s.twinId, site: s.site, parentId: s.parentId }));
  }

  /** The twin's state, when this replica holds it caught up (a twin being taken over is not yet). */
  get(twinId: string): TwinState | undefined {
    const state = this.projection.get(twinId);
    return state && state.status !== 'unregistered' && this.holdsLive(twinId) ? state : undefined;
  }

  all(): TwinState[] {
    return this.projection
      .all()
      .filter((s) => s.status !== 'unregistered' && this.holdsLive(s.twinId));
  }

  /** Whether the twin's partition is being taken over: its state is not answered, nor snapshotted, yet. */
  takingOver(twinId: string): boolean {
    return this.owned !== undefined && this.catchingUp.has(this.partitionOf(twinId));
  }

  get size(): number {
    return this.all().length;
  }

  /**
   * Readings folded since this process started (replay included, redeliveries not): with
   * ingestion's acceptance count it shows none went missing on the way (bench:pipeline).
   */
  get readingsFolded(): number {
    return this.projection.readingsApplied;
  }

  /**
   * Where the folded state stands, per stream partition: what a snapshot covers. Only the
   * partitions this replica holds: for another replica's, the feed went past events it never
   * folded, and a snapshot claiming them would make a restart skip them.
   */
  positions(): LogPosition[] {
    return [...this.next.values()].filter((p) => this.ownsPartition(p));
  }
}
