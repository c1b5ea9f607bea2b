import type { ServerResponse } from 'node:http';
import type { Principal } from '@twinlog/service-kit';
import type { StreamFilter } from './stream-filter';
import { fellBehindFrame, unauthorizedFrame } from './stream-message';

/** A fell-behind client's socket is destroyed if it has not taken its last bytes by then. */
const LINGER_MS = 5_000;
const DRAIN_POLL_MS = 20;

/**
 * One open stream: its filter, what it has been sent (`lastId`, the id a reconnect resumes
 * from), and its socket. Frames for one batch of the log are gathered and written at once; a
 * client whose unsent bytes pass `maxBytes` is told where to resume and closed, so a client
 * that does not read costs at most that much memory.
 */
export class StreamClient {
  /** The stream position everything sent so far reaches (StreamCursor encoded). */
  lastId: string;
  /** The id the client last saw on the wire (heartbeats repeat `lastId` when it moved on). */
  private idOnWire: string;
  private pending = '';
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    readonly filter: StreamFilter,
    private readonly maxBytes: number,
    startId: string,
    private readonly onClosed: (client: StreamClient) => void,
    /** Who opened it: checked again while it is open (a revoked or expired credential ends it). */
    readonly principal?: Principal,
  ) {
    this.lastId = startId;
    this.idOnWire = startId;
    res.once('close', () => this.release());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether it can take more now (its socket's queue under the bound). */
  get keepingUp(): boolean {
    return this.res.writableLength <= this.maxBytes;
  }

  /** Adds a frame to the batch being gathered. */
  queue(frame: string, id: string): void {
    this.pending += frame;
    this.idOnWire = id;
  }

  /**
   * Writes what was gathered, the stream having reached `id`; false if it fell behind. `before`
   * is where the stream stood before these frames (everything up to it was sent): where a client
   * that fell behind resumes. A catch-up (`paced`) waits for the client after each batch, so its
   * queue is bounded by one batch beyond the bound: it is written, never cut off.
   */
  flush(id: string, before = this.lastId, paced = false): boolean {
    if (this.closed) return false;
    if (!this.keepingUp && !paced) {
      this.pending = '';
      this.lastId = before;
      this.fellBehind();
      return false;
    }
    if (this.pending.length > 0) this.res.write(this.pending);
    this.pending = '';
    this.lastId = id;
    return true;
  }

  /** Waits until the socket's queue is under the bound again (a catch-up replay's pace). */
  async drained(): Promise<void> {
    // 'drain' comes only after a write past the socket's own high-water mark (64 KiB), which
    // may be above the bound: the queue is looked at again every few milliseconds too.
    while (!this.closed && !this.keepingUp)
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, DRAIN_POLL_MS);
        this.res.once('drain', done);
        this.res.once('close', done);
      });
  }

  /**
   * A comment line, with the id when it moved on since the last message this client got. A
   * live client has been sent everything up to `now` (the follower's position). A client
   * catching up (`paced`) is waited for, never cut off: while its queue is full it gets no
   * heartbeat (the catch-up's next batch keeps the connection busy anyway).
   */
  heartbeat(now?: string, paced = false): void {
    if (this.closed) return;
    if (now !== undefined) this.lastId = now;
    if (!this.keepingUp) return paced ? undefined : this.fellBehind();
    const id = this.idOnWire === this.lastId ? '' : `id: ${this.lastId}\n`;
    this.idOnWire = this.lastId;
    this.res.write(`: keep-alive\n${id}\n`);
  }

  /** Tells the client where to resume, and closes. */
  fellBehind(): void {
    if (this.closed) return;
    this.res.end(fellBehindFrame(this.lastId));
    const linger = setTimeout(() => this.res.destroy(), LINGER_MS);
    linger.unref();
    this.res.once('close', () => clearTimeout(linger));
    this.release();
  }

  /** Tells the client its credential is no longer valid (`why`), and closes. */
  unauthorized(why: string): void {
    if (this.closed) return;
    this.res.end(unauthorizedFrame(why));
    const linger = setTimeout(() => this.res.destroy(), LINGER_MS);
    linger.unref();
    this.res.once('close', () => clearTimeout(linger));
    this.release();
  }

  /** Ends the stream (the service is stopping). */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.release();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    this.onClosed(this);
  }
}
