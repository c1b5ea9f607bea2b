// The rebuild's own cost per event, without Kafka (issue 24): the same plant as bench:rebuild,
// encoded by the adapter's codec and packed as the fetch thread packs it, then decoded,
// validated and folded into a TwinProjection through the replay's own reader. Next to it, in
// the same run, the floor of any JSON reader: turning the same bytes into text and parsing it.
// Costs are CPU time per event (this process's, all threads), steadier than wall time on a
// shared machine; wall time is printed too.
//
//   npm run bench:decode-fold -- [--twins 2000] [--readings 1000000] [--per-event 10] [--rounds 5] [--compact] [--decode-only]
//
// `--decode-only` decodes and validates but folds nothing: the difference is the fold's cost.
// `--profile <file>` writes a CPU profile of the last round's rebuild alone (no set-up, no baseline).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { KafkaMessage } from 'kafkajs';
import { TwinProjection } from '@twinlog/domain';
import type { TelemetryEncoding } from '@twinlog/event-log';
import { registered } from '@twinlog/event-log/testing';
import { toMessage } from '../../libs/event-log/src/kafka/kafka-codec';
import { replayViaThread } from '../../libs/event-log/src/kafka/replay-stream';
import type { FetchThread } from '../../libs/event-log/src/kafka/replay-worker/fetch-thread';
import {
  packBatch,
  type PackedBatch,
} from '../../libs/event-log/src/kafka/replay-worker/packed-batch';
import { arg } from './bench-util';
import { plantTelemetry } from './fill-plant';

const TWINS = arg('twins', 2_000);
const READINGS = arg('readings', 1_000_000);
const PER_EVENT = arg('per-event', 10);
const ROUNDS = arg('rounds', 5);
const PARTITIONS = 6;
// About what one fetch of a 4 MiB partition slice holds of JSON telemetry.
const PER_BATCH = 2_500;
const ENCODING: TelemetryEncoding = process.argv.includes('--compact') ? 'compact' : 'json';
const DECODE_ONLY = process.argv.includes('--decode-only');
const PROFILE = process.argv.includes('--profile')
  ? process.argv[process.argv.indexOf('--profile') + 1]
  : undefined;

/** The plant's registrations and telemetry, encoded and packed per partition as a replay gets them. */
function packedPlant(): PackedBatch[][] {
  const twins = Array.from({ length: TWINS }, (_, i) => `cnc-${String(i).padStart(5, '0')}`);
  const base = Date.parse('2026-11-01T00:00:00Z');
  const at = new Date(base).toISOString();
  const registrations = twins.map((t) =>
    registered(t, { occurredAt: at, recordedAt: at, producer: 'bench' }),
  );
  const telemetry = Array.from({ length: Math.ceil(READINGS / PER_EVENT) }, (_, e) =>
    plantTelemetry(twins[e % TWINS]!, base + Math.floor(e / TWINS) * 1000, e, PER_EVENT),
  );
  return [registrations, telemetry].map((events) => {
    const partitions = Array.from({ length: PARTITIONS }, () => [] as KafkaMessage[]);
    for (const event of events) {
      const p = hash(event.twinId) % PARTITIONS;
      const message = toMessage(event, p, ENCODING);
      const offset = partitions[p]!.length;
      partitions[p]!.push({
        key: Buffer.from(event.twinId),
        value: Buffer.from(message.value as string | Buffer),
        offset: String(offset),
        timestamp: message.timestamp!,
        attributes: 0,
        headers: {},
      });
    }
    return partitions.flatMap((messages, p) => {
      const batches: PackedBatch[] = [];
      for (let i = 0; i < messages.length; i += PER_BATCH)
        batches.push(packBatch(p, messages.slice(i, i + PER_BATCH)));
      return batches;
    });
  });
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

/** The replay's reader over ready batches, as if the fetch thread had posted them. */
function threadOf(batches: PackedBatch[]): FetchThread {
  const read = async (onBatch: (batch: PackedBatch) => Promise<void>) => {
    for (const batch of batches) await onBatch(batch);
    return new Map<number, number>();
  };
  return { read } as unknown as FetchThread;
}

async function rebuild(streams: PackedBatch[][]): Promise<{ events: number; twins: number }> {
  const projection = new TwinProjection();
  let events = 0;
  const deliver = async (
    batch: Parameters<Parameters<typeof replayViaThread>[1]['deliver']>[0],
  ) => {
    if (!DECODE_ONLY) projection.apply(batch.map((r) => r.event));
    events += batch.length;
  };
  for (const [i, batches] of streams.entries()) {
    const stream = i === 0 ? 'twin-events' : 'telemetry';
    await replayViaThread(threadOf(batches), {
      stream,
      topic: stream,
      ranges: [],
      untilMs: Number.POSITIVE_INFINITY,
      chunk: 500,
      deliver,
    });
  }
  if (!DECODE_ONLY && projection.applied !== events)
    throw new Error(`${events - projection.applied} events lost`);
  return { events, twins: projection.size };
}

/** The baseline: each message's bytes to text and JSON.parse (compact bytes only touched). */
function parseOnly(streams: PackedBatch[][]): number {
  let touched = 0;
  for (const batches of streams)
    for (const b of batches) {
      const bytes = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
      for (let i = 0; i < b.offsets.length; i++) {
        const start = b.keyEnds[i]!;
        const end = b.valueEnds[i]!;
        if (bytes[start] === 0x7b)
          touched += (JSON.parse(bytes.toString('utf8', start, end)) as object) ? 1 : 0;
        else touched += bytes[start]! > 0 ? 1 : 0;
      }
    }
  return touched;
}

async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** CPU time of this process since `since` (all its threads: the collector's helpers count). */
function cpuMicros(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const streams = packedPlant();
  const total = streams.flat().reduce((n, b) => n + b.offsets.length, 0);
  console.log(
    `${TWINS} twins, ${READINGS} readings, ${PER_EVENT} per event, ${ENCODING} telemetry: ${total} events`,
  );
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    collectGarbage();
    let cpu = process.cpuUsage();
    if (parseOnly(streams) !== total) throw new Error('parse-only touched too few');
    const parseUs = cpuMicros(cpu) / total;
    collectGarbage();
    const profiler = PROFILE && round === ROUNDS ? await startProfile() : undefined;
    const started = performance.now();
    cpu = process.cpuUsage();
    const { events, twins } = await rebuild(streams);
    const foldUs = cpuMicros(cpu) / events;
    const wallUs = ((performance.now() - started) * 1000) / events;
    if (profiler) await profiler.stop(PROFILE!);
    ratios.push(parseUs / foldUs);
    console.log(
      `round ${round}: parse only ${parseUs.toFixed(2)} us/event; ${DECODE_ONLY ? 'decode+validate' : 'decode+validate+fold'} ${foldUs.toFixed(2)} us/event (wall ${wallUs.toFixed(2)}; ${events} events, ${twins} twins); parse/fold ${(parseUs / foldUs).toFixed(2)}`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `RESULT parse-only/decode-fold = ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} (median of ${ROUNDS})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
