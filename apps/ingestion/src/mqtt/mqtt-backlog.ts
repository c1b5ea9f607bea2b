import { takeBatch, type ReadMessage } from './mqtt-batch';

/** QoS 0 messages are not bounded by the receive maximum: stop reading the socket past this. */
const QOS0_BACKLOG = 20_000;
/** Nor are bytes (10,000 messages of 4 MiB are 40 GiB): stop reading past this many held. */
const HELD_BYTES = 64 * 1024 * 1024;

/** Reading from the broker: paused when the backlog is too large, resumed once it has halved. */
export interface ReadControl {
  pause(): void;
  resume(): void;
}

/**
 * The messages read and not yet acknowledged, and the flow control that bounds them (ADR 0013):
 * past `receiveMaximum + 20,000` queued messages or 64 MiB of held payloads it pauses reading
 * (TCP then pushes back on the broker), and reads on once both have halved.
 */
export class MqttBacklog {
  private readonly queue: ReadMessage[] = [];
  private paused = false;
  /** Payload bytes read and not yet acknowledged: the queue and the batches in hand. */
  private heldBytes = 0;

  constructor(
    private readonly receiveMaximum: number,
    private readonly reading: ReadControl,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** Queues a message just read; pauses reading if the backlog is now too large. */
  push(item: ReadMessage): void {
    this.heldBytes += item.message.payload.length;
    this.queue.push(item);
    // Every time, not once: after a reconnect the new socket must be paused as well.
    if (this.queue.length > this.receiveMaximum + QOS0_BACKLOG || this.heldBytes > HELD_BYTES) {
      this.paused = true;
      this.reading.pause();
    }
  }

  /** The next batch in arrival order (see takeBatch); its bytes stay held until `settled`. */
  take(limits: { maxMessages: number; maxReadings: number }): ReadMessage[] | undefined {
    if (this.queue.length === 0) return undefined;
    const items = takeBatch(this.queue, limits);
    this.resumeIfRoom();
    return items;
  }

  /** A batch was acknowledged: its payloads are no longer held. */
  settled(items: ReadMessage[]): void {
    this.heldBytes -= items.reduce((sum, m) => sum + m.message.payload.length, 0);
    this.resumeIfRoom();
  }

  private resumeIfRoom(): void {
    if (this.paused && this.queue.length < QOS0_BACKLOG / 2 && this.heldBytes < HELD_BYTES / 2) {
      this.paused = false;
      this.reading.resume();
    }
  }
}
