import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { DocumentStore } from '../event-log.port';

/** A document larger than this is written as parts (a broker takes at most 1 MB per batch). */
const DOCUMENT_PART_BYTES = 240_000;
/** Parts per produce request: together well under the broker's 1 MB. */
const PARTS_PER_SEND = 3;
/** Separates a document's key, its version's write id and a part's number in a part's key. */
const PART = '\u0000';

export interface DocumentStoreTimeouts {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** How long `all` waits for this instance to read what the others wrote. */
  catchUpMs?: number;
}

/** The parts of one version of a large document, by its write id. */
type Parts = Map<string, Map<number, Buffer>>;

/**
 * Documents on a compacted topic of one partition, keyed by document key; each instance follows
 * the topic from its start (a consumer group of its own, started at the first use), so it holds
 * every key's latest document. A read asks the broker where the topic ends and waits until this
 * instance has read that far: a put acknowledged anywhere before the call shows.
 *
 * A document over DOCUMENT_PART_BYTES of JSON is written as parts, keyed `<key>\0<write id>\0<n>`,
 * then a head naming the write id and the count; on one partition a reader meets every part
 * before its head. A put that fails before its head leaves the previous version in place (its
 * parts have another write id); the parts of a version a head replaced are deleted after it.
 */
export class KafkaDocumentStore implements DocumentStore {
  private readonly documents = new Map<string, unknown>();
  /** Parts read, by document key and write id, until their head comes. */
  private readonly pending = new Map<string, Parts>();
  /** The write id and part count of each document's latest version written in parts. */
  private readonly versions = new Map<string, { write: string; parts: number }>();
  /** Write ids of this instance's puts whose heads it has not read back yet. */
  private readonly mine = new Set<string>();
  /** The next offset to read. */
  private next = 0;
  private following: Promise<Consumer> | undefined;
  /** Why the follower stopped for good (a crash kafkajs does not restart), if it did. */
  private stopped: Error | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly timeouts: DocumentStoreTimeouts,
    private readonly warn: (message: string) => void,
  ) {}

  async put(key: string, document: unknown): Promise<void> {
    checkKey(key);
    if (document === null || document === undefined)
      throw new Error(`document ${key}: null is not a document (delete it instead)`);
    const body = Buffer.from(JSON.stringify(document), 'utf8');
    // This instance removes the parts of the version its head replaces, once it reads the head.
    const write = randomUUID();
    this.mine.add(write);
    if (body.length <= DOCUMENT_PART_BYTES) {
      await this.send([{ key, value: JSON.stringify({ v: 1, write, doc: document }) }]);
      return;
    }
    const parts = Math.ceil(body.length / DOCUMENT_PART_BYTES);
    const messages = Array.from({ length: parts }, (_, n) => ({
      key: partKey(key, write, n),
      value: body.subarray(n * DOCUMENT_PART_BYTES, (n + 1) * DOCUMENT_PART_BYTES),
    }));
    for (let at = 0; at < messages.length; at += PARTS_PER_SEND)
      await this.send(messages.slice(at, at + PARTS_PER_SEND));
    await this.send([{ key, value: JSON.stringify({ v: 1, write, parts, bytes: body.length }) }]);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.caughtUp();
    await this.send([{ key, value: null }]);
    // Every part this instance knows of: the latest version's, and any a failed put left.
    const stale: string[] = [];
    const latest = this.versions.get(key);
    if (latest) for (let n = 0; n < latest.parts; n++) stale.push(partKey(key, latest.write, n));
    for (const [write, parts] of this.pending.get(key) ?? [])
      for (const n of parts.keys()) stale.push(partKey(key, write, n));
    await this.tombstone(stale);
  }

  async get(key: string): Promise<unknown> {
    await this.caughtUp();
    return this.documents.get(key);
  }

  /** Every document, shared with this instance's copy: read it, never change it. */
  async all(): Promise<Map<string, unknown>> {
    await this.caughtUp();
    return new Map(this.documents);
  }

  async close(): Promise<void> {
    this.closed = true;
    const following = this.following;
    this.following = undefined;
    if (following) await (await following.catch(() => undefined))?.disconnect();
  }

  private async tombstone(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += 100)
      await this.send(keys.slice(at, at + 100).map((k) => ({ key: k, value: null })));
  }

  private async send(messages: Array<{ key: string; value: string | Buffer | null }>) {
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }

  /** Resolves once this instance has read the topic up to where it ended when called. */
  private async caughtUp(): Promise<void> {
    await this.follow();
    const [offsets] = await this.admin.fetchTopicOffsets(this.topic);
    const end = Number(offsets?.high ?? 0);
    const low = Number(offsets?.low ?? 0);
    const waitMs = this.timeouts.catchUpMs ?? 10_000;
    const deadline = Date.now() + waitMs;
    // The record before the end is always there to read: compaction never touches the active
    // segment, which holds it. A topic with nothing left in it is read at once.
    while (this.next < end && low < end) {
      if (this.stopped || this.closed)
        throw retriable(`${this.topic}: not followed (${this.stopped?.message ?? 'closed'})`);
      if (Date.now() > deadline)
        throw retriable(
          `${this.topic}: read up to offset ${this.next} of ${end} after ${waitMs} ms; retry shortly`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private follow(): Promise<Consumer> {
    if (this.closed) return Promise.reject(retriable(`${this.topic}: the store is closed`));
    this.following ??= this.startFollowing().catch((error: unknown) => {
      this.following = undefined;
      throw error;
    });
    return this.following;
  }

  private async startFollowing(): Promise<Consumer> {
    this.stopped = undefined;
    // A group of its own that never commits: it reads the whole topic at every start.
    const consumer = this.kafka.consumer({
      groupId: `${this.topic}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.timeouts.sessionTimeoutMs,
      rebalanceTimeout: this.timeouts.rebalanceTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(this.timeouts.sessionTimeoutMs / 10)),
      maxWaitTimeInMs: 1000,
    });
    // A crash kafkajs will not restart (an ACL taken away, say) ends this follower: the next
    // read starts another, instead of every read waiting for a consumer that is gone.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.stopped = payload.error;
      this.warn(`${this.topic}: its follower stopped: ${payload.error.message}`);
      const dead = this.following;
      this.following = undefined;
      void dead?.then((c) => c.disconnect()).catch(() => undefined);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          // A member that joins again (its group has no offsets) reads from the start: what was
          // read before is not applied twice, so no older version comes back.
          if (Number(message.offset) < this.next) continue;
          this.apply(message.key?.toString('utf8') ?? '', message.value, message.offset);
          this.next = Number(message.offset) + 1;
        }
      },
    });
    return consumer;
  }

  private apply(key: string, value: Buffer | null, offset: string): void {
    const [document, write, n] = key.split(PART);
    if (write !== undefined && n !== undefined) {
      const versions = this.pending.get(document!) ?? new Map<string, Map<number, Buffer>>();
      const parts = versions.get(write) ?? new Map<number, Buffer>();
      if (value === null) parts.delete(Number(n));
      else parts.set(Number(n), value);
      if (parts.size > 0) versions.set(write, parts);
      else versions.delete(write);
      if (versions.size > 0) this.pending.set(document!, versions);
      else this.pending.delete(document!);
      return;
    }
    if (value === null) {
      this.documents.delete(key);
      this.versions.delete(key);
      return;
    }
    try {
      const head = JSON.parse(value.toString('utf8')) as {
        doc?: unknown;
        write?: string;
        parts?: number;
      };
      const replaced = this.versions.get(key);
      if (head.parts === undefined) {
        this.documents.set(key, head.doc);
        this.versions.delete(key);
      } else {
        if (head.write === undefined) throw new Error('a head of parts without its write id');
        const parts = this.pending.get(key)?.get(head.write);
        const body = Array.from({ length: head.parts }, (_, i) => parts?.get(i));
        const missing = body.filter((b) => b === undefined).length;
        if (missing > 0) throw new Error(`${missing} of its ${head.parts} parts are missing`);
        this.documents.set(key, JSON.parse(Buffer.concat(body as Buffer[]).toString('utf8')));
        this.versions.set(key, { write: head.write, parts: head.parts });
        this.pending.get(key)?.delete(head.write);
      }
      // The version this head replaced: its parts are of no more use, here or in the topic.
      // The instance that wrote the head removes them, once.
      if (
        head.write !== undefined &&
        this.mine.delete(head.write) &&
        replaced &&
        replaced.write !== head.write
      ) {
        const stale = Array.from({ length: replaced.parts }, (_, i) =>
          partKey(key, replaced.write, i),
        );
        void this.tombstone(stale).catch(() => undefined);
      }
    } catch (error) {
      this.warn(
        `${this.topic} offset ${offset}: document ${JSON.stringify(key)} left as it was, unreadable: ${(error as Error).message}`,
      );
    }
  }
}

function partKey(key: string, write: string, n: number): string {
  return `${key}${PART}${write}${PART}${n}`;
}

function retriable(message: string): Error {
  return Object.assign(new Error(message), { retriable: true });
}

function checkKey(key: string): void {
  if (key.length === 0 || key.includes(PART))
    throw new Error(`document key ${JSON.stringify(key)}: empty, or holds a NUL character`);
}
