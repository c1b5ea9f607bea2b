import { Inject, Injectable } from '@nestjs/common';
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

const key = (p: { stream: string; partition: number }) => `${p.stream}/${p.partition}`;

/**
 * Streams followed for the live stream only, from where they end at start: the state folds
 * nothing of them, so nothing of their past is replayed (the alerts stream: ADR 0002).
 */
export const FOLLOWED_FROM_START: readonly StreamName[] = ['alerts'];

/** Told of what the live feed folds, once the start-up replay is done (the live stream). */
export interface LiveFollower {
  /** The replay ended here: the feed goes on from these positions. */
  caughtUp(next: LogPosition[]): void;
  /** A batch of the feed, already folded into the state. */
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

  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  /**
   * Loads the latest snapshots; returns where the replay starts (each partition's oldest, and
   * the end of the streams followed only from the start).
   */
  async restore(): Promise<LogPosition[]> {
    const states: TwinState[] = [];
    const from = new Map<string, LogPosition>();
    for (const stream of FOLLOWED_FROM_START)
      for (const b of await this.log.bounds(stream))
        from.set(key(b), { stream, partition: b.partition, offset: b.end });
    for await (const snapshot of this.log.snapshots.loadAll()) {
      states.push(restoreTwinState(snapshot.state));
      // Replay from the oldest snapshot position of each partition; newer twins skip what they hold.
      for (const p of snapshot.next) {
        if (FOLLOWED_FROM_START.includes(p.stream)) continue;
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
  }

  apply(batch: RecordedEvent[]): void {
    // Alerts pass through to the live stream; they change no twin and need no snapshot.
    const states = batch.filter((r) => !isAlertEvent(r.event));
    this.projection.apply(states.map((r) => r.event));
    for (const { event } of states) {
      this.changed.add(event.twinId);
      this.episodes.note(event);
    }
    for (const { position } of batch) {
      const known = this.next.get(key(position));
      if (!known || position.offset + 1 > known.offset) {
        this.next.set(key(position), { ...position, offset: position.offset + 1 });
      }
    }
    this.eventsSinceSnapshot += states.length;
    if (this.following) this.follower?.folded(batch);
  }

  /** Where each twin sits (site, parent): read once, when the live stream starts. */
  places(): Array<{ twinId: string; site: string | null; parentId: string | null }> {
    return this.all().map((s) => ({ twinId: s.twinId, site: s.site, parentId: s.parentId }));
  }

  get(twinId: string): TwinState | undefined {
    const state = this.projection.get(twinId);
    return state && state.status !== 'unregistered' ? state : undefined;
  }

  all(): TwinState[] {
    return this.projection.all().filter((s) => s.status !== 'unregistered');
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

  positions(): LogPosition[] {
    return [...this.next.values()];
  }
}
