import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventLog, LogPosition, RecordedEvent } from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { LiveTwins, type LiveFollower } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';
import { ClientIndex } from './client-index';
import { StreamClient } from './stream-client';
import { StreamCursor } from './stream-cursor';
import type { StreamFilter } from './stream-filter';
import { frameOf, messageTypeOf, type StreamMessage } from './stream-message';
import { StreamWindow } from './stream-window';
import { TwinPlaces } from './twin-places';

class ClientGone extends Error {}

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
  private state?: { cursor: StreamCursor; window: StreamWindow; places: TwinPlaces };
  private readonly live = new ClientIndex();
  private readonly catchingUp = new Set<StreamClient>();
  private heartbeat?: NodeJS.Timeout;
  private readonly touched = new Set<StreamClient>();

  constructor(
    private readonly twins: LiveTwins,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TWIN_STATE_CONFIG) config: TwinStateConfig,
  ) {
    this.settings = config.stream;
    twins.followWith(this);
  }

  caughtUp(next: LogPosition[]): void {
    const cursor = StreamCursor.of(next);
    this.state = {
      cursor,
      window: new StreamWindow(this.settings.window, cursor),
      places: new TwinPlaces(this.twins.places()),
    };
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
  }

  folded(batch: RecordedEvent[]): void {
    const { cursor, window, places } = this.started();
    const before = cursor.encode();
    const touched = this.touched;
    for (const recorded of batch) {
      // The feed may repeat what it already delivered (a rebalance): sent once only.
      if (!cursor.advance(recorded.position)) continue;
      places.note(recorded.event);
      const message = this.messageOf(recorded, cursor, places);
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

  /** Opens a stream on `res` (headers already sent), live now or resuming after `from`. */
  attach(res: ServerResponse, filter: StreamFilter, from?: StreamCursor): void {
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
    );
    res.write(`: open\nretry: 2000\nid: ${start.encode()}\n\n`);
    if (!from || cursor.encode() === from.encode()) return this.live.add(client);
    this.catchingUp.add(client);
    void this.catchUp(client, from.copy()).catch((error: unknown) => {
      if (error instanceof ClientGone) return;
      this.logger.warn(`a stream's catch-up failed, closed (the client resumes): ${String(error)}`);
      client.end();
    });
  }

  /** From `at` to the live stream: the log up to the window, the window in chunks, then live. */
  private async catchUp(client: StreamClient, at: StreamCursor): Promise<void> {
    const chunkBytes = Math.max(1, Math.floor(this.settings.clientMaxBytes / 2));
    for (;;) {
      // Paced by the client: nothing more is queued until it took what it was sent.
      await client.drained();
      if (client.isClosed) return;
      const { window, cursor } = this.started();
      if (!at.atOrPast(window.start)) {
        at = await this.replayInto(client, at, window.start.copy());
        continue;
      }
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
      client.flush(last.id);
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
    const { places } = this.started();
    await this.log.replay(
      {
        streams: ['twin-events', 'telemetry'],
        from: { kind: 'positions', positions: at.positions() },
        endAt: end.positions(),
        // Small batches: each is sent, then waited on, so a client's queue stays near its bound.
        maxBatchSize: 100,
      },
      async (batch) => {
        if (client.isClosed) throw new ClientGone();
        for (const recorded of batch) {
          if (!reached.advance(recorded.position)) continue;
          const message = this.messageOf(recorded, reached, places);
          if (message && client.filter.accepts(message)) client.queue(frameOf(message), message.id);
        }
        client.flush(reached.encode());
        await client.drained();
      },
    );
    if (client.isClosed) throw new ClientGone();
    // Every event before `end` was read: partitions whose offsets skip (Kafka) reach it too.
    return reached.join(end);
  }

  private messageOf(
    recorded: RecordedEvent,
    cursor: StreamCursor,
    places: TwinPlaces,
  ): StreamMessage | undefined {
    const type = messageTypeOf(recorded.event.type);
    if (!type) return undefined;
    const { twinId } = recorded.event;
    return {
      type,
      position: recorded.position,
      id: cursor.encode(),
      event: recorded.event,
      site: places.siteOf(twinId),
      ancestors: places.ancestorsOf(twinId),
    };
  }

  private beat(): void {
    const now = this.started().cursor.encode();
    for (const client of this.live.all) client.heartbeat(now);
    for (const client of this.catchingUp) client.heartbeat();
  }

  private started(): NonNullable<StreamHub['state']> {
    if (!this.state) throw new Error('the live stream is not started: twin state is not ready');
    return this.state;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const client of [...this.live.all, ...this.catchingUp]) client.end();
  }
}
