import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { DocumentStore } from '../event-log.port';

/** A document larger than this is written as parts (a broker takes at most 1 MB per batch). */
export const DOCUMENT_PART_BYTES = 240_000;
/** Parts per produce request: together well under the broker's 1 MB. */
const PARTS_PER_SEND = 3;
/** Separates a document's key from a part's number in the part's key. */
const PART = '\u0000';

export interface DocumentStoreTimeouts {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** How long `all` waits for this instance to read what the others wrote. */
  catchUpMs?: number;
}

/**
 * Documents on a compacted topic of one partition, keyed by document key; each instance follows
 * the topic from its start (a consumer group of its own, started at the first use), so it holds
 * every key's latest document. `all` asks the broker where the topic ends and waits until this
 * instance has read that far: a put acknowledged anywhere before the call shows.
 *
 * A document over DOCUMENT_PART_BYTES of JSON is written as parts (keys `<key>\0<n>`) and then
 * a head naming their count; on one partition, a reader meets every part before its head. A
 * put that fails between parts and head leaves the previous document in place.
 */
export class KafkaDocumentStore implements DocumentStore {
  private readonly documents = new Map<string, unknown>();
  /** Parts read whose head has not come yet, by document key. */
  private readonly pending = new Map<string, Map<number, Buffer>>();
  /** How many parts each document's latest version has (0 or absent: written whole). */
  private readonly partCounts = new Map<string, number>();
  /** The next offset to read. */
  private next = 0;
  private following: Promise<Consumer> | undefined;

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
    const before = this.partCounts.get(key) ?? 0;
    if (body.length <= DOCUMENT_PART_BYTES) {
      await this.send([{ key, value: JSON.stringify({ v: 1, doc: document }) }]);
    } else {
      const parts = Math.ceil(body.length / DOCUMENT_PART_BYTES);
      const messages = Array.from({ length: parts }, (_, n) => ({
        key: `${key}${PART}${n}`,
        value: body.subarray(n * DOCUMENT_PART_BYTES, (n + 1) * DOCUMENT_PART_BYTES),
      }));
      for (let at = 0; at < messages.length; at += PARTS_PER_SEND)
        await this.send(messages.slice(at, at + PARTS_PER_SEND));
      await this.send([{ key, value: JSON.stringify({ v: 1, parts, bytes: body.length }) }]);
    }
    // Parts a longer earlier version left: removed, so compaction drops them.
    const after =
      body.length <= DOCUMENT_PART_BYTES ? 0 : Math.ceil(body.length / DOCUMENT_PART_BYTES);
    await this.tombstoneParts(key, after, before);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.caughtUp();
    await this.send([{ key, value: null }]);
    await this.tombstoneParts(key, 0, this.partCounts.get(key) ?? 0);
  }

  async all(): Promise<Map<string, unknown>> {
    await this.caughtUp();
    return structuredClone(this.documents);
  }

  async close(): Promise<void> {
    const following = this.following;
    this.following = undefined;
    if (following) await (await following.catch(() => undefined))?.disconnect();
  }

  private async tombstoneParts(key: string, from: number, to: number): Promise<void> {
    const stale = [];
    for (let n = from; n < to; n++) stale.push({ key: `${key}${PART}${n}`, value: null });
    for (let at = 0; at < stale.length; at += 100) await this.send(stale.slice(at, at + 100));
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
    const deadline = Date.now() + (this.timeouts.catchUpMs ?? 10_000);
    // The record before the end is always there to read: compaction never touches the active
    // segment, which holds it. A topic with nothing left in it is read at once.
    while (this.next < end && low < end) {
      if (Date.now() > deadline)
        throw Object.assign(
          new Error(
            `${this.topic}: read up to offset ${this.next} of ${end} after ${this.timeouts.catchUpMs ?? 10_000} ms; retry shortly`,
          ),
          { retriable: true },
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private follow(): Promise<Consumer> {
    this.following ??= this.startFollowing().catch((error: unknown) => {
      this.following = undefined;
      throw error;
    });
    return this.following;
  }

  private async startFollowing(): Promise<Consumer> {
    // A group of its own that never commits: it reads the whole topic at every start.
    const consumer = this.kafka.consumer({
      groupId: `${this.topic}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.timeouts.sessionTimeoutMs,
      rebalanceTimeout: this.timeouts.rebalanceTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(this.timeouts.sessionTimeoutMs / 10)),
      maxWaitTimeInMs: 1000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.apply(message.key?.toString('utf8') ?? '', message.value, message.offset);
          this.next = Number(message.offset) + 1;
        }
      },
    });
    return consumer;
  }

  private apply(key: string, value: Buffer | null, offset: string): void {
    const cut = key.indexOf(PART);
    if (cut >= 0) {
      const document = key.slice(0, cut);
      const n = Number(key.slice(cut + 1));
      const parts = this.pending.get(document) ?? new Map<number, Buffer>();
      if (value === null) parts.delete(n);
      else parts.set(n, value);
      if (parts.size > 0) this.pending.set(document, parts);
      else this.pending.delete(document);
      return;
    }
    if (value === null) {
      this.documents.delete(key);
      this.partCounts.delete(key);
      return;
    }
    try {
      const head = JSON.parse(value.toString('utf8')) as { doc?: unknown; parts?: number };
      if (head.parts === undefined) {
        this.documents.set(key, head.doc);
        this.partCounts.delete(key);
        return;
      }
      const parts = this.pending.get(key);
      const body = Array.from({ length: head.parts }, (_, n) => parts?.get(n));
      if (body.some((b) => b === undefined))
        throw new Error(
          `${body.filter((b) => b === undefined).length} of its ${head.parts} parts are missing`,
        );
      this.documents.set(key, JSON.parse(Buffer.concat(body as Buffer[]).toString('utf8')));
      this.partCounts.set(key, head.parts);
      this.pending.delete(key);
    } catch (error) {
      this.warn(
        `${this.topic} offset ${offset}: document ${JSON.stringify(key)} left out, unreadable: ${(error as Error).message}`,
      );
    }
  }
}

function checkKey(key: string): void {
  if (key.length === 0 || key.includes(PART))
    throw new Error(`document key ${JSON.stringify(key)}: empty, or holds a NUL character`);
}
