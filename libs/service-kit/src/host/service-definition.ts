import type { InjectionToken, Provider, Type } from '@nestjs/common';
import type { StreamName } from '@twinlog/domain';
import type { LogPosition, RecordedEvent, SubscribeOptions } from '@twinlog/event-log';
import type { AuthSettings } from '../auth/auth.config';
import type { AllowedHosts } from '../http/allowed-hosts';
import type { HttpTimeouts } from '../http/http-timeouts';
import type { JsonBodiesOptions } from '../http/json-bodies-only';

/** Finds one of the service's providers (its app's or module's `get`). */
export type Resolve = <T>(token: InjectionToken<T>) => T;

/**
 * A read model that every instance keeps whole: replayed from the log to the end of `streams`
 * at start (readiness waits for it), then kept following them through a broadcast subscription
 * that starts exactly where the replay ended. Folding must be idempotent: an event may come
 * twice (by the replay and the feed, or after a rebalance).
 */
export interface Follow<T = never> {
  /** What it is, in the logs and the NOT_READY answer: "twin directory". */
  what: string;
  /** The provider (of the definition's providers) that holds the model. */
  model: InjectionToken<T>;
  streams: StreamName[];
  /** Names the broadcast subscription (each instance reads everything and commits nothing). */
  group: string;
  maxBatchSize?: number;
  fold(model: T, batch: RecordedEvent[]): void;
  /** Loads what was saved (snapshots) and says where each partition's replay starts. */
  restore?(model: T): Promise<LogPosition[] | undefined>;
  /** The replay reached the end: `next` is where the feed goes on, per stream partition. */
  caughtUp?(model: T, next: LogPosition[]): void;
  /** The line logged once the replay is done, after "<what> ready: ". */
  summary?(model: T, events: number): string;
}

/** A follow whose fold, restore and summary are checked against its model's type. */
export function follow<T>(spec: Follow<T>): Follow<T> {
  return spec;
}

/** A consumer group sharing the partitions of `streams` with the service's other instances. */
export interface Share {
  group: string;
  streams: StreamName[];
  /** Binds the service's `@EventPattern(BATCH_PATTERN, feed)` handler to this subscription. */
  feed: symbol;
  maxBatchSize?: number;
  concurrentPartitions?: number;
  /**
   * false: a group that has never committed starts at the end, not the beginning (a consumer
   * that only cares about what happens from now on; its committed offsets apply afterwards).
   */
  fromBeginning?: boolean;
  onAssignment?(get: Resolve): SubscribeOptions['onAssignment'];
}

/** A start-up step done beside the replays; readiness waits for it too. */
export interface StartStep {
  what: string;
  run(get: Resolve): Promise<void>;
}

/**
 * Everything that makes one Twinlog service, and nothing of how services start: that is
 * startService's, the same for all of them.
 */
export interface ServiceDefinition {
  /** "twin-state", "anomaly": names its logger and the messages it logs. */
  name: string;
  http: {
    host: string;
    port: number;
    timeouts: HttpTimeouts;
    /** Who may call it (the shared settings' `auth`). */
    auth: AuthSettings;
    /** The Host names it answers to (its config's `http.allowedHosts`). */
    allowedHosts: AllowedHosts;
    retryAfterSeconds?: number;
    bodies?: JsonBodiesOptions;
    /** Nest's body parsers off: the service reads its request bodies itself. */
    ownBodyParsing?: boolean;
  };
  /** How it uses the log, for the adapter that opens it (see OpenOptions). */
  logUse?: { dedupeOnAppend?: boolean; indexedStreams?: StreamName[] };
  /** Whether it reads or writes telemetry points: only then is it handed the store. */
  usesStore: boolean;
  /** Whether it asks the AI layer: only then is it handed the assistant (AI_ASSISTANT). */
  usesAi?: boolean;
  controllers: Type<unknown>[];
  providers: Provider[];
  follows?: Follow<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- each its own model type
  shares?: Share[];
  prepare?: StartStep[];
  /**
   * Listen only once everything runs (ingestion: a reading must never be accepted before it can
   * be judged). By default it listens first, so that probes answer (live, not ready) during a
   * long replay.
   */
  listenWhenReady?: boolean;
  /**
   * It reads single twins' streams (time travel, history): once it runs, the log prepares for
   * that (the Kafka adapter's per-twin index catches up in the background).
   */
  readsTwinStreams?: boolean;
  /** Answer every request but the probes with 503 NOT_READY until ready (twin-state). */
  refuseUntilReady?: boolean;
  /** Fields the ready probe adds to `{ status: 'ready' }`. */
  readyDetails?(get: Resolve): Record<string, unknown>;
  /** After the feeds run: inputs, timers, index warm-up. */
  started?(get: Resolve): Promise<void> | void;
  /** Before the app closes: stop the inputs first, a last snapshot, cancel jobs. */
  stopping?(get: Resolve): Promise<void>;
}
