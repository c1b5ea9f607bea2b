import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TwinlogError } from '@twinlog/domain';
import {
  KafkaEventLog,
  SqliteEventLog,
  type EventLog,
  type RecordedEvent,
} from '@twinlog/event-log';
import { eventually, registered, retired, telemetry } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { BATCH_PATTERN, EventLogServer } from './event-log.server';
import { RethrowExceptionFilter } from './rethrow-exception.filter';

/** What the handlers saw, shared with the test through a module-level record. */
const seen = {
  telemetry: [] as Array<{ value: number; offset: number }>,
  batches: 0,
  transient: 0,
};

@Controller()
class TwinEventsController {
  @EventPattern(BATCH_PATTERN)
  async onBatch(@Payload() batch: RecordedEvent[]): Promise<void> {
    if (batch.length > 0) seen.batches += 1;
    for (const record of batch) {
      const event = record.event;
      if (event.type === 'TwinRetired') {
        throw new TwinlogError('TWIN_RETIRED', 'this service refuses retirements');
      }
      if (event.type !== 'TelemetryReported') continue;
      const value = event.data.readings[0]!.value;
      if (value === 13 && seen.transient++ === 0) throw new Error('database briefly unavailable');
      // Idempotent, as every handler must be: a retried batch delivers 12 again.
      const offset = record.position.offset;
      if (!seen.telemetry.some((t) => t.offset === offset)) seen.telemetry.push({ value, offset });
    }
  }
}

@Module({ controllers: [TwinEventsController] })
class TestModule {}

function describeTransport(name: string, open: () => Promise<EventLog>): void {
  describe(`Nest handlers on the event log (${name})`, () => {
    let log: EventLog;
    let app: INestMicroservice;

    beforeAll(async () => {
      log = await open();
      app = await NestFactory.createMicroservice(TestModule, {
        strategy: new EventLogServer({
          log,
          group: `nest-${randomUUID()}`,
          streams: ['twin-events', 'telemetry'],
        }),
        logger: false,
      });
      app.useGlobalFilters(new RethrowExceptionFilter());
      await app.listen();
    });

    afterAll(async () => {
      await app?.close();
      await log?.close();
    });

    it('hands batches to the $batch handler in log order, retries a transient failure, dead-letters a refusal', async () => {
      Object.assign(seen, { telemetry: [], batches: 0, transient: 0 });
      const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
      const doomed = retired('m-1');
      await log.append([
        registered('m-1'),
        telemetry('m-1', 12, at(1)),
        telemetry('m-1', 13, at(2)),
        doomed,
        telemetry('m-1', 14, at(3)),
      ]);

      await eventually(() => seen.telemetry.length === 3, 'three telemetry events handled');
      expect(seen.telemetry.map((t) => t.value)).toEqual([12, 13, 14]);
      expect(seen.telemetry[1]!.offset).toBeGreaterThan(seen.telemetry[0]!.offset);
      expect(seen.transient).toBe(2);
      expect(seen.batches).toBeGreaterThan(0);
      await eventually(
        async () => (await log.readDeadLetters()).some((l) => l.payload.includes(doomed.id)),
        'the refused event dead-lettered',
      );
      const letter = (await log.readDeadLetters()).find((l) => l.payload.includes(doomed.id));
      expect(letter).toMatchObject({
        code: 'TWIN_RETIRED',
        reason: 'this service refuses retirements',
      });
    });
  });
}

@Controller()
class PerTypeController {
  @EventPattern('TelemetryReported')
  onTelemetry(): void {
    // Never called: the server refuses to start with it.
  }
}

@Module({ controllers: [PerTypeController] })
class PerTypeModule {}

describe('EventLogServer start-up', () => {
  it('refuses a handler bound to an event type, which it would never call', async () => {
    const log = await SqliteEventLog.open(
      join(mkdtempSync(join(tmpdir(), 'twinlog-nest-')), 'log.sqlite'),
    );
    const app = await NestFactory.createMicroservice(PerTypeModule, {
      strategy: new EventLogServer({ log, group: 'per-type', streams: ['telemetry'] }),
      logger: false,
    });
    try {
      await expect(app.listen()).rejects.toThrow(/BATCH_PATTERN.*TelemetryReported/);
    } finally {
      await app.close();
      await log.close();
    }
  });
});

describeTransport('embedded', async () =>
  SqliteEventLog.open(join(mkdtempSync(join(tmpdir(), 'twinlog-nest-')), 'log.sqlite')),
);
describeTransport('Kafka', async () =>
  KafkaEventLog.connect({
    brokers: realServer('kafka').brokers,
    topicPrefix: `nest-${randomUUID().slice(0, 8)}.`,
    partitions: 2,
  }),
);
