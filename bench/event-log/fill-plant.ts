// Fills fresh event topics with a plant: TwinRegistered for each twin, then telemetry events of
// `perEvent` readings each, produced fast with a plain producer and the adapter's own codec.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { NewEvent } from '@twinlog/domain';
import type { KafkaEventLog, TelemetryEncoding, topicNames } from '@twinlog/event-log';
import { newEvent, registered } from '@twinlog/event-log/testing';
import { toMessage } from '../../libs/event-log/src/kafka/kafka-codec';
import { progressLine } from './bench-util';

/** Fills the topics fast with a plain producer and the adapter's own message codec. */
export interface PlantSize {
  twins: number;
  readings: number;
  perEvent: number;
  /** How telemetry is written (the services' TWINLOG_TELEMETRY_ENCODING); JSON by default. */
  encoding?: TelemetryEncoding;
}

export async function fillPlant(
  brokers: string[],
  names: ReturnType<typeof topicNames>,
  log: KafkaEventLog,
  { twins: TWINS, readings: READINGS, perEvent: PER_EVENT, encoding = 'json' }: PlantSize,
): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.ERROR }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const twins = Array.from({ length: TWINS }, (_, i) => `cnc-${String(i).padStart(5, '0')}`);
  const now = Date.now();
  const base = now - 24 * 3600_000;
  await sendAll(
    producer,
    names.stream['twin-events'],
    twins.map((t) => {
      const at = new Date(base).toISOString();
      return registered(t, { occurredAt: at, recordedAt: at, producer: 'bench' });
    }),
    log,
  );
  const events = Math.ceil(READINGS / PER_EVENT);
  const started = Date.now();
  const progress = progressLine('produce', started);
  const chunk: NewEvent[] = [];
  for (let e = 0; e < events; e++) {
    const twin = twins[e % TWINS]!;
    const time = base + Math.floor(e / TWINS) * 1000;
    chunk.push(plantTelemetry(twin, time, e, PER_EVENT));
    if (chunk.length === 2000 || e === events - 1) {
      await sendAll(producer, names.stream.telemetry, chunk.splice(0), log, encoding);
      progress({ events: e + 1, total: events });
    }
  }
  process.stderr.write('\n');
  console.log(
    `produced ${events} telemetry events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await producer.disconnect();
}

async function sendAll(
  producer: Producer,
  topic: string,
  events: NewEvent[],
  log: KafkaEventLog,
  encoding: TelemetryEncoding = 'json',
): Promise<void> {
  const messages = events.map((e) =>
    toMessage(
      e,
      log.partitionFor(topic.endsWith('telemetry') ? 'telemetry' : 'twin-events', e.twinId),
      encoding,
    ),
  );
  await producer.send({ topic, acks: -1, messages });
}

const PROPERTIES = [
  'temperature',
  'vibration',
  'spindle_speed',
  'power_consumption',
  'tool_wear',
] as const;
const UNITS = {
  temperature: '°C',
  vibration: 'mm/s',
  spindle_speed: 'rpm',
  power_consumption: 'kW',
  tool_wear: '1',
};

/** The plant's `seq`-th telemetry event: `PER_EVENT` readings of a CNC machine, 100 ms apart. */
export function plantTelemetry(
  twinId: string,
  time: number,
  seq: number,
  PER_EVENT: number,
): NewEvent {
  const readings = Array.from({ length: PER_EVENT }, (_, i) => {
    const property = PROPERTIES[i % PROPERTIES.length]!;
    return {
      readingId: `${twinId}-${seq}-${i}`,
      property,
      value: 40 + ((seq * 7 + i) % 100) / 10,
      unit: UNITS[property],
      occurredAt: new Date(time + i * 100).toISOString(),
    };
  });
  const at = new Date(time + PER_EVENT * 100).toISOString();
  return newEvent(
    twinId,
    { type: 'TelemetryReported', data: { readings } },
    { occurredAt: at, recordedAt: at, producer: 'bench' },
  );
}
