import { StreamCursor } from './stream-cursor';
import type { StreamMessage } from './stream-message';

/**
 * The most recent messages, in the order the shared follower saw them, at most `capacity`:
 * a client resuming from an id inside it is served from memory. `start` is the cursor just
 * before the oldest message kept: a resume from at or past it needs no log read.
 */
export class StreamWindow {
  private readonly ring: Array<StreamMessage | undefined>;
  private head = 0;
  private count = 0;
  private startCursor: StreamCursor;

  constructor(
    private readonly capacity: number,
    start: StreamCursor,
  ) {
    this.ring = new Array<StreamMessage | undefined>(capacity);
    this.startCursor = start.copy();
  }

  get start(): StreamCursor {
    return this.startCursor;
  }

  get size(): number {
    return this.count;
  }

  push(message: StreamMessage): void {
    if (this.count === this.capacity) {
      const oldest = this.ring[this.head]!;
      this.startCursor.advance(oldest.position);
      this.ring[this.head] = message;
      this.head = (this.head + 1) % this.capacity;
      return;
    }
    this.ring[(this.head + this.count) % this.capacity] = message;
    this.count += 1;
  }

  /** The messages after `from` (per partition), oldest first; `from` must be at or past `start`. */
  *after(from: StreamCursor): Generator<StreamMessage> {
    for (let i = 0; i < this.count; i += 1) {
      const message = this.ring[(this.head + i) % this.capacity]!;
      if (from.before(message.position)) yield message;
    }
  }

  /** Starts over at `start` (the follower restarted from there). */
  reset(start: StreamCursor): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.startCursor = start.copy();
  }
}
