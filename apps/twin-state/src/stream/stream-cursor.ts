import type { StreamName } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';

/** The streams the live stream follows, in the order its ids list them. */
export const STREAM_ORDER: readonly StreamName[] = ['twin-events', 'telemetry', 'alerts'];
const OFFSET = '[0-9a-z]{1,11}';
const OFFSETS = `${OFFSET}(?:\\.${OFFSET}){0,1023}`;
/** What a stream id looks like (also the OpenAPI document's pattern for it). */
export const ID_PATTERN = `^${OFFSETS}_${OFFSETS}(?:_${OFFSETS})?$`;
const ID_SHAPE = new RegExp(ID_PATTERN);
/** Longer than any id of 1,024 partitions a stream: refused before the pattern runs. */
export const MAX_ID_LENGTH = STREAM_ORDER.length * 1024 * 12 + STREAM_ORDER.length - 1;

/**
 * A position in the whole log: the next offset of every partition of every stream it follows.
 * A stream message's id is the cursor just after it, so "everything after id X" is, per
 * partition, every event at or past X's offset: exact across partitions whatever order they
 * were merged in.
 *
 * Written as the twin-events offsets, `_`, the telemetry offsets, `_`, the alerts offsets; each
 * list in partition order, `.`-separated, base 36: `0.1f_2kx9.2kw1_3` (docs/services/stream.md).
 * An id of two lists (from before the alerts stream) reads with its alerts position unknown:
 * `missing` names it, and the resume takes it from the window's start (resume-point.ts).
 */
export class StreamCursor {
  private readonly encoded = new Map<StreamName, string>();

  private constructor(
    private readonly offsets: Record<StreamName, number[]>,
    /** Streams the id it was read from did not list (an id from before they were followed). */
    readonly missing: readonly StreamName[] = [],
  ) {}

  static of(positions: Iterable<LogPosition>): StreamCursor {
    const cursor = new StreamCursor({ 'twin-events': [], telemetry: [], alerts: [] });
    for (const p of positions) cursor.set(p.stream, p.partition, p.offset);
    return cursor;
  }

  /** An id read back from a client, or why it is not one. */
  static parse(text: string): StreamCursor | { invalid: string } {
    if (text.length > MAX_ID_LENGTH || !ID_SHAPE.test(text))
      return { invalid: 'not a stream id (see docs/services/stream.md)' };
    const lists = text.split('_');
    const read = (stream: StreamName) => {
      const list = lists[STREAM_ORDER.indexOf(stream)];
      return list === undefined ? [] : list.split('.').map((o) => parseInt(o, 36));
    };
    const offsets = {
      'twin-events': read('twin-events'),
      telemetry: read('telemetry'),
      alerts: read('alerts'),
    };
    if (STREAM_ORDER.some((s) => offsets[s].some((o) => !Number.isSafeInteger(o))))
      return { invalid: 'an offset is too large' };
    // The pattern takes two lists (an id from before the alerts stream) or three.
    return new StreamCursor(offsets, STREAM_ORDER.slice(lists.length));
  }

  /** This cursor with the positions of `stream` taken from `other` (no longer missing). */
  taking(stream: StreamName, other: StreamCursor): StreamCursor {
    const taken = this.copy();
    taken.offsets[stream] = [...other.offsets[stream]];
    return new StreamCursor(
      taken.offsets,
      this.missing.filter((s) => s !== stream),
    );
  }

  /** The next offset of a partition (0 for a partition it has not seen). */
  next(stream: StreamName, partition: number): number {
    return this.offsets[stream][partition] ?? 0;
  }

  /** Whether the event at `position` comes after this cursor (is still to be sent). */
  before(position: LogPosition): boolean {
    return position.offset >= this.next(position.stream, position.partition);
  }

  /** Moves past `position`; false when it was already behind the cursor (seen before). */
  advance(position: LogPosition): boolean {
    if (!this.before(position)) return false;
    this.set(position.stream, position.partition, position.offset + 1);
    return true;
  }

  /** Each partition at the later of the two cursors. */
  join(other: StreamCursor): StreamCursor {
    const joined = this.copy();
    for (const p of other.positions())
      if (p.offset > joined.next(p.stream, p.partition))
        joined.set(p.stream, p.partition, p.offset);
    return joined;
  }

  /** Whether every partition of `other` is at or behind this one. */
  atOrPast(other: StreamCursor): boolean {
    return other.positions().every((p) => this.next(p.stream, p.partition) >= p.offset);
  }

  /** How many partitions each stream has here. */
  partitions(stream: StreamName): number {
    return this.offsets[stream].length;
  }

  positions(): LogPosition[] {
    return STREAM_ORDER.flatMap((stream) =>
      this.offsets[stream].map((offset, partition) => ({ stream, partition, offset })),
    );
  }

  copy(): StreamCursor {
    return new StreamCursor(
      {
        'twin-events': [...this.offsets['twin-events']],
        telemetry: [...this.offsets.telemetry],
        alerts: [...this.offsets.alerts],
      },
      this.missing,
    );
  }

  encode(): string {
    return STREAM_ORDER.map((stream) => this.encodedStream(stream)).join('_');
  }

  private encodedStream(stream: StreamName): string {
    let text = this.encoded.get(stream);
    if (text === undefined) {
      const offsets = this.offsets[stream];
      text = offsets.length === 0 ? '0' : offsets.map((o) => o.toString(36)).join('.');
      this.encoded.set(stream, text);
    }
    return text;
  }

  private set(stream: StreamName, partition: number, offset: number): void {
    const offsets = this.offsets[stream];
    while (offsets.length < partition) offsets.push(0);
    offsets[partition] = offset;
    this.encoded.delete(stream);
  }
}
