import { Inject, Injectable, Logger } from '@nestjs/common';
import { restoreTwinState, TwinProjection, type TwinState } from '@twinlog/domain';
import type { LogPosition, RecordedEvent } from '@twinlog/event-log';
import type { Infrastructure } from '@twinlog/service-kit';
import { INFRASTRUCTURE } from '../tokens';

const key = (p: { stream: string; partition: number }) => `${p.stream}/${p.partition}`;

/**
 * The current state of every twin, in memory, folded from the log: rebuilt at start from the
 * latest snapshots plus the events after them, then kept current by the live feed. Folding is
 * idempotent (an event at or below a twin's revision changes nothing), so events seen twice,
 * by the replay and the feed or after a rebalance, are harmless.
 */
@Injectable()
export class LiveTwins {
  private projection = new TwinProjection();
  /** Next offset per stream partition: everything before it has been folded. */
  private readonly next = new Map<string, LogPosition>();
  /** Twins changed since the last snapshot. */
  readonly changed = new Set<string>();
  eventsSinceSnapshot = 0;
  private caughtUp = false;
  private readonly logger = new Logger(LiveTwins.name);

  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  /** Snapshots, then the log after them; returns where the live feed should start. */
  async rebuild(onProgress?: (events: number, total?: number) => void): Promise<LogPosition[]> {
    const started = Date.now();
    const states: TwinState[] = [];
    const from = new Map<string, LogPosition>();
    for await (const snapshot of this.infra.log.snapshots.loadAll()) {
      states.push(restoreTwinState(snapshot.state));
      // Replay from the oldest snapshot position of each partition; newer twins skip what they hold.
      for (const p of snapshot.next) {
        const known = from.get(key(p));
        if (!known || p.offset < known.offset) from.set(key(p), p);
      }
    }
    this.projection = new TwinProjection(states);
    const result = await this.infra.log.replay(
      {
        streams: ['twin-events', 'telemetry'],
        from: { kind: 'positions', positions: [...from.values()] },
        onProgress: (p) => onProgress?.(p.events, p.total),
      },
      async (batch) => this.apply(batch),
    );
    for (const p of result.next) this.next.set(key(p), p);
    this.caughtUp = true;
    this.logger.log(
      `state rebuilt: ${this.projection.size} twins from ${states.length} snapshots and ${result.events} events in ${Date.now() - started} ms`,
    );
    return result.next;
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  apply(batch: RecordedEvent[]): void {
    this.projection.apply(batch.map((r) => r.event));
    for (const { event, position } of batch) {
      this.changed.add(event.twinId);
      const known = this.next.get(key(position));
      if (!known || position.offset + 1 > known.offset) {
        this.next.set(key(position), { ...position, offset: position.offset + 1 });
      }
    }
    this.eventsSinceSnapshot += batch.length;
  }

  get(twinId: string): TwinState | undefined {
    const state = this.projection.get(twinId);
    return state && state.status !== 'unregistered' ? state : undefined;
  }

  all(): TwinState[] {
    return this.projection.all().filter((s) => s.status !== 'unregistered');
  }

  positions(): LogPosition[] {
    return [...this.next.values()];
  }
}
