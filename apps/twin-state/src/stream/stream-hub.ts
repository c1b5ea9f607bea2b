import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { EventLog, LogPosition, RecordedEvent } from '@twinlog/event-log';
import { AccessKeys, EVENT_LOG, type Principal } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { WholeDirectory } from '../replicas/whole-directory';
import { LiveTwins, type LiveFollower } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';
import { relativesNamed } from '../queries/relatives';
import { AlertPlaces } from './alert-places';
import { ClientIndex } from './client-index';
import { Permits } from './permits';
import { StreamClient } from './stream-client';
import { STREAM_ORDER, StreamCursor } from './stream-cursor';
import type { StreamFilter } from './stream-filter';
import { frameOf, messageTypeOf, type StreamMessage } from './stream-message';
import { StreamWindow } from './stream-window';
import { TwinPlaces } from './twin-places';

class ClientGone extends Error {}

/** How often open streams' credentials are checked again (revoked keys, expired keys and tokens). */
const ACCESS_CHECK_MS = 1_000;

/**
 * The live stream's one shared follower (docs/adr/0016): the twin-state feed, once folded, is
 * turned into messages, kept in a bounded window of recent ones, and matched against the open
 * streams. A client resuming inside the window is served from it; one resuming before it is
 * served from the log up to the window's start, then from the window, then joins the live
 * clients, each step starting exactly where the last ended.
 */
@Injectable()
export class StreamHub implements LiveFollower, OnModuleDestroy {
  private readonly logger = new Logger('StreamHub');
  private readonly settings: TwinStateConfig['stream'];
  private state?: {
    cursor: StreamCursor;
    window: StreamWindow;
    places: TwinPlaces;
    alerts: AlertPlaces;
  };
  private readonly live = new ClientIndex();
  private readonly catchingUp = new Set<StreamClient>();
  private heartbeat?: NodeJS.Timeout;
  private accessCheck?: NodeJS.Timeout;
  private readonly touched = new Set<StreamClient>();
  /** Streams being opened (between the limit's check and attach): they count as open. */
  private reserved = 0;
  /** Catch-ups reading the log, bounded (TWIN_STATE_STREAM_MAX_CATCHUPS). */
  private readonly catchUps: Permits;

  constructor(
    private readonly twins: LiveTwins,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TWIN_STATE_CONFIG) config: TwinStateConfig,
    @Optional() private readonly keys?: AccessKeys,
    @Optional() private readonly whole?: WholeDirectory,
  ) {
    this.settings = config.stream;
    this.catchUps = new Permits(this.settings.maxCatchUps);
    twins.followWith(this);
  }

  caughtUp(next: LogPosition[]): void {
    const cursor = StreamCursor.of(next);
    this.state = {
      cursor,
      window: new StreamWindow(this.settings.window, cursor),
      places: new TwinPlaces(this.twins.places(), (twinId) => this.whole?.get(twinId)),
      alerts: new AlertPlaces(),
    };
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
    this.accessCheck = setInterval(() => this.checkAccess(), ACCESS_CHECK_MS);
    this.accessCheck.unref();
  }

  folded(batch: RecordedEvent[]): void {
    const { cursor, window, places, alerts } = this.started();
    const before = cursor.encode();
    const touched = this.touched;
    for (const recorded of batch) {
      // Where the follower stood before a registration: what it reads after it sees the twin.
      const from = recorded.event.type === 'TwinRegistered' ? cursor.copy() : undefined;
      // The feed may repeat what it already delivered (a rebalance): sent once only.
      if (!cursor.advance(recorded.position)) continue;
      places.note(recorded.event, from);
      alerts.note(recorded.event, recorded.position);
      const message = this.messageOf(recorded, cursor);
      if (!message) continue;
      window.push(message);
      this.live.match(message, (client) => {
        client.queue(frameOf(message), message.id);
        touched.add(client);
      });
    }
    // Only the clients this batch has frames for are written to: the others are up to date
    // by definition (their heartbeat carries the position on).
    const id = cursor.encode();
    for (const client of touched) client.flush(id, before);
    touched.clear();
  }

  /** Where the stream is now: the cursor after the last event the follower folded. */
  get position(): StreamCursor {
    return this.started().cursor;
  }

  /** Where the window of recent messages starts: a resume from at or past it reads no log. */
  get windowStart(): StreamCursor {
    return this.started().window.start;
  }

  get open(): number {
    return this.live.all.size + this.catchingUp.size;
  }

  /**
   * Takes one of `max` stream slots before anything is awaited, so that concurrent opens cannot
   * pass the limit together; the release function gives it back (after attach, or on failure).
   */
  reserve(max: number): (() => void) | undefined {
    if (this.open + this.reserved >= max) return undefined;
    this.reserved += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.reserved -= 1;
    };
  }

  /** Whether a resume from `from` reads the log (it is before the window of recent messages). */
  needsLog(from: StreamCursor): boolean {
    return !from.atOrPast(this.started().window.start);
  }

  /** A turn to read the log for a catch-up, waiting up to `waitMs`; undefined if none came. */
  catchUpTurn(waitMs: number): Promise<(() => void) | undefined> {
    return this.catchUps.acquire(waitMs);
  }

  /**
   * Opens a stream on `res` (headers already sent), live now or resuming after `from`. `turn`:
   * a catch-up turn already taken (catchUpTurn), given back once the log part is read.
   */
  attach(
    res: ServerResponse,
    filter: StreamFilter,
    from?: StreamCursor,
    principal?: Principal,
    turn?: () => void,
  ): void {
    const { cursor } = this.started();
    const start = from ?? cursor;
    const client = new StreamClient(
      res,
      filter,
      this.settings.clientMaxBytes,
      start.encode(),
      (c) => {
        this.live.remove(c);
        this.catchingUp.delete(c);
      },
      principal,
    );
    res.write(`: open\nretry: 2000\nid: ${start.encode()}\n\n`);
    if (!from || cursor.encode() === from.encode()) {
      turn?.();
      return this.live.add(client);
    }
    this.catchingUp.add(client);
    const held = { turn };
    void this.catchUp(client, from.copy(), held)
      .catch((error: unknown) => {
        if (error instanceof ClientGone) return;
        this.logger.warn(
          `a stream's catch-up failed, closed (the client resumes): ${String(error)}`,
        );
        client.end();
      })
      .finally(() => held.turn?.());
  }

  /** From `at` to the live stream: the log up to the window, the window in chunks, then live. */
  private async catchUp(
    client: StreamClient,
    at: StreamCursor,
    held: { turn?: (() => void) | undefined },
  ): Promise<void> {
    const chunkBytes = Math.max(1, Math.floor(this.settings.clientMaxBytes / 2));
    for (;;) {
      // Paced by the client: nothing more is queued until it took what it was sent.
      await client.drained();
      if (client.isClosed) return;
      const { window, cursor } = this.started();
      if (!at.atOrPast(window.start)) {
        // The window moved past a slow client: its turn to read the log comes in order.
        held.turn ??= await this.catchUps.acquire();
        at = await this.replayInto(client, at, window.start.copy());
        continue;
      }
      held.turn?.();
      held.turn = undefined;
      let bytes = 0;
      let last: StreamMessage | undefined;
      for (const message of window.after(at)) {
        last = message;
        if (!client.filter.accepts(message)) continue;
        const frame = frameOf(message);
        client.queue(frame, message.id);
        bytes += frame.length;
        if (bytes >= chunkBytes) break;
      }
      if (bytes < chunkBytes || !last) {
        // The rest of the window was queued: joining the live clients now, in the same turn,
        // leaves nothing between the window and the feed.
        this.catchingUp.delete(client);
        this.live.add(client);
        client.flush(cursor.encode());
        return;
      }
      client.flush(last.id, undefined, true);
      at = StreamCursor.parse(last.id) as StreamCursor;
    }
  }

  /** Sends the log's events from `at` up to `end` (exclusive); returns the cursor reached. */
  private async replayInto(
    client: StreamClient,
    at: StreamCursor,
    end: StreamCursor,
  ): Promise<StreamCursor> {
    const reached = at.copy();
    await this.log.replay(
      {
        streams: [...STREAM_ORDER],
        from: { kind: 'positions', positions: at.positions() },
        endAt: end.positions(),
        // Small batches: each is sent, then waited on, so a client's queue stays near its bound.
        maxBatchSize: 100,
      },
      async (batch) => {
        if (client.isClosed) throw new ClientGone();
        for (const recorded of batch) {
          if (!reached.advance(recorded.position)) continue;
          const message = this.messageOf(recorded, reached);
          if (message && client.filter.accepts(message)) client.queue(frameOf(message), message.id);
        }
        client.flush(reached.encode(), undefined, true);
        await client.drained();
      },
    );
    if (client.isClosed) throw new ClientGone();
    // Every event before `end` was read: partitions whose offsets skip (Kafka) reach it too.
    return reached.join(end);
  }

  /**
   * The message of an event the stream carries, placed as of its position: its site, the twins
   * it is about and their ancestors (an alert's: its site, its group's twin and its members).
   */
  private messageOf(recorded: RecordedEvent, cursor: StreamCursor): StreamMessage | undefined {
    const type = messageTypeOf(recorded.event.type);
    if (!type) return undefined;
    const { places, alerts } = this.started();
    const { event, position } = recorded;
    const alert = alerts.placementOf(event, position);
    const twins = alert?.twins ?? [event.twinId];
    const relatives = relativesNamed(event);
    return {
      type,
      position,
      id: cursor.encode(),
      event,
      // As of the event's position, on the live path and a resume from the log alike. An alert
      // this instance did not see open (before its start) goes by its group twin's site.
      site: alert?.site !== undefined ? alert.site : places.siteOf(event.twinId, position),
      twins,
      ancestors: alert
        ? ancestorsOfAll(twins, places, position)
        : places.ancestorsOf(event.twinId, position),
      ...(relatives.length > 0
        ? { relativeSites: new Map(relatives.map((r) => [r, places.siteOf(r, position)])) }
        : {}),
    };
  }

  private beat(): void {
    const now = this.started().cursor.encode();
    for (const client of this.live.all) client.heartbeat(now);
    // A client catching up is paced by its catch-up, not cut off (its queue may be full).
    for (const client of this.catchingUp) client.heartbeat(undefined, true);
  }

  /** Ends the streams whose credential was revoked or expired since they opened. */
  private checkAccess(): void {
    for (const client of [...this.live.all, ...this.catchingUp]) {
      const principal = client.principal;
      if (!principal) continue;
      const why = this.standing(principal);
      if (why)
        client.unauthorized(
          `the credential ${principal.id} ${why === 'expired' ? 'expired' : 'was revoked'}: reconnect with a valid one`,
        );
    }
  }

  private standing(principal: Principal): 'revoked' | 'expired' | undefined {
    if (this.keys) return this.keys.standing(principal);
    return principal.expiresAt !== undefined && principal.expiresAt <= Date.now()
      ? 'expired'
      : undefined;
  }

  private started(): NonNullable<StreamHub['state']> {
    if (!this.state) throw new Error('the live stream is not started: twin state is not ready');
    return this.state;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.accessCheck);
    for (const client of [...this.live.all, ...this.catchingUp]) client.end();
  }
}

/** The ancestors of several twins (an alert's), each once and none of the twins themselves. */
function ancestorsOfAll(twins: string[], places: TwinPlaces, at: LogPosition): string[] {
  const found = new Set<string>();
  for (const twin of twins)
    for (const a of places.ancestorsOf(twin, at)) if (!twins.includes(a)) found.add(a);
  return [...found];
}
