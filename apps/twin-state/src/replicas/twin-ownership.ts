import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NewEvent } from '@twinlog/domain';
import {
  ownedBySelf,
  ownerOf,
  type AppendOptions,
  type AppendResult,
  type EventLog,
  type Ownership,
  type OwnershipMap,
} from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TWIN_STATE_CONFIG } from '../tokens';
import { WholeDirectory } from './whole-directory';

/** Where a twin's commands and reads are answered. */
export type TwinPlace = { kind: 'here' } | { kind: 'owner'; url: string } | { kind: 'moving' };

/** How often the wait for the first map says it is still waiting. */
const WAITING_EVERY_MS = 10_000;

/**
 * Which twin-state replica owns which twins (ADR 0023). With `TWIN_STATE_REPLICAS=one` (the
 * default, and the embedded mode) this instance owns every twin. With `shared`, the replicas
 * form a group on the log that gives each a range of partitions: a twin belongs to the owner of
 * its partition, and nobody owns anything while the group rebalances.
 */
@Injectable()
export class TwinOwnership implements OnApplicationShutdown {
  private membership: Ownership | undefined;
  private readonly listeners: Array<(owned: number[]) => void> = [];
  private readonly waiters = new Set<() => void>();
  /** The group refused this replica for good (no ACL): it cannot start. */
  private failure: Error | undefined;
  private readonly logger = new Logger('twin-state replicas');

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly whole: WholeDirectory,
  ) {}

  get shared(): boolean {
    return this.config.replicas.shared;
  }

  /**
   * Joins the replicas and waits for the group's first map: the partitions this replica owns,
   * or undefined when it owns everything (one replica).
   */
  async join(): Promise<number[] | undefined> {
    const { replicas } = this.config;
    if (!replicas.shared) return undefined;
    if (!this.log.joinOwnership)
      throw new Error(
        'TWIN_STATE_REPLICAS=shared needs the Kafka log: the embedded mode runs one twin-state',
      );
    // Joining takes partitions from the other replicas at once: first know every twin (the
    // directory's replay of twin-events), so that only this replica's own partitions remain
    // to load while their requests wait.
    await this.whole.ready;
    this.membership = await this.log.joinOwnership({
      group: 'twin-state',
      url: replicas.url,
      onChange: (map) => this.changed(map),
      onFailure: (error) => {
        if (this.map() !== undefined || this.failure === undefined)
          this.logger.error(
            `left the replicas' group for good: ${error.message}; this replica answers 503 PARTITION_MOVING for every twin until it is restarted`,
          );
        this.failure = error;
        for (const waiter of [...this.waiters]) waiter();
      },
    });
    const started = Date.now();
    while (!this.map()) {
      if (this.failure)
        throw new Error(
          `twin-state cannot join its replicas' group: ${this.failure.message}${this.failure.message.includes('users.yaml') ? '' : ' (with Kafka ACLs, its user needs Read and Describe on the group <prefix>twin-state: k8s/kafka/users.yaml)'}`,
        );
      if (!(await this.settled(WAITING_EVERY_MS)))
        this.logger.log(
          `waiting for the replicas' group to settle (${Math.round((Date.now() - started) / 1000)} s)`,
        );
    }
    return ownedBySelf(this.map()!);
  }

  /** Told of each new map with the partitions this replica now owns (not of rebalances). */
  onOwned(listener: (owned: number[]) => void): void {
    this.listeners.push(listener);
  }

  /** The group's map now; undefined with one replica, or while the group rebalances. */
  map(): OwnershipMap | undefined {
    return this.membership?.current();
  }

  /** This replica's partitions in the current map; undefined while it rebalances, or with one replica. */
  ownedNow(): number[] | undefined {
    const map = this.membership?.current();
    return map ? ownedBySelf(map) : undefined;
  }

  /** Whether this replica owns the partition in the current map (every one, with one replica). */
  owns(partition: number): boolean {
    return !this.membership || (this.ownedNow()?.includes(partition) ?? false);
  }

  /**
   * Appends a command's events as the writer of `fencedBy`'s twin: with shared replicas, fenced
   * by its partition (PARTITION_MOVING, nothing appended, once another replica holds it);
   * with one replica, a plain append.
   */
  append(fencedBy: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.membership
      ? this.membership.append(fencedBy, events, options)
      : this.log.append(events, options);
  }

  partitionOf(twinId: string): number | undefined {
    return this.membership?.partitionOf(twinId);
  }

  where(twinId: string): TwinPlace {
    if (!this.membership) return { kind: 'here' };
    const map = this.membership.current();
    if (!map) return { kind: 'moving' };
    const owner = ownerOf(map, this.membership.partitionOf(twinId));
    if (!owner) return { kind: 'moving' };
    return owner.memberId === map.self ? { kind: 'here' } : { kind: 'owner', url: owner.url };
  }

  /** Resolves true at the next settled map (at once if there is one), false after `ms`. */
  settled(ms: number): Promise<boolean> {
    if (!this.membership || this.membership.current()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve(false);
      }, ms);
      this.waiters.add(done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.membership?.leave();
  }

  private changed(map: OwnershipMap | undefined): void {
    if (!map) {
      this.logger.log('the replicas are rebalancing: commands wait for the new owners');
      return;
    }
    const owned = ownedBySelf(map);
    this.logger.log(
      `${map.owners.length} replicas; this one owns partitions ${owned.length > 0 ? owned.join(', ') : 'none'} of ${map.partitions}`,
    );
    for (const listener of this.listeners) listener(owned);
    for (const waiter of [...this.waiters]) waiter();
  }
}
