import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  decideTwin,
  initialTwinState,
  stampEvents,
  streamOf,
  type EventEnvelope,
  type TwinCommand,
} from '@twinlog/domain';
import type { EventLog, ReadStreamOptions, RecordedEvent } from '@twinlog/event-log';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { HttpProblem } from '@twinlog/service-kit';
import { LiveTwins } from '../state/live-twins';
import { HeavyReads } from './heavy-reads';
import { AUDIT_PAGE_BYTES } from './audit-page';
import { TwinQueries } from './twin-queries.service';
import { oneReplica } from '../testing/one-replica';
import { WholeDirectory } from '../replicas/whole-directory';

// Issue 15: heavy twin queries (history, diff, audit, provenance) must not hold the event loop,
// nor answer a page of tens of MB. Behaviour, not wall-clock: what answers first, what is read.
const catalog = loadModelCatalog(SEED_MODELS_DIR);
const T0 = Date.parse('2026-03-01T06:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const TWIN = 'cnc-01';

function events(telemetryEvents: number, readingsPerEvent = 1): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  const push = (command: TwinCommand, at: number, revision: number) => {
    const ctx = { catalog, now: iso(at), maxFutureSkewMs: 60_000 };
    const decided = decideTwin(command, initialTwinState(TWIN), ctx);
    const meta = {
      commandId: `c${out.length}`,
      correlationId: 'c',
      causationId: null,
      producer: 'spec',
      now: iso(at),
    };
    for (const e of stampEvents(TWIN, decided, meta)) out.push({ ...e, revision } as EventEnvelope);
  };
  push({ type: 'RegisterTwin', twinType: 'cnc-milling-machine', commissionedAt: iso(0) }, 0, 1);
  const registered = out[0]!;
  for (let i = 1; i <= telemetryEvents; i++) {
    const readings = Array.from({ length: readingsPerEvent }, (_, j) => ({
      readingId: `r${i}-${j}`,
      property: 'temperature',
      value: 40 + (i % 10),
      unit: '°C',
      occurredAt: iso(i),
    }));
    out.push({
      ...registered,
      type: 'TelemetryReported',
      id: `t${i}`,
      data: { readings },
      revision: i,
      occurredAt: iso(i),
      recordedAt: iso(i),
      schemaVersion: 1,
    } as EventEnvelope);
  }
  return out;
}

/** A log that holds one twin's events and records how it was asked. */
function fakeLog(all: EventEnvelope[], onRead?: (options: ReadStreamOptions) => void) {
  const reads: ReadStreamOptions[] = [];
  const log = {
    readStream: async (twinId: string, options: ReadStreamOptions = {}) => {
      reads.push(options);
      onRead?.(options);
      return all.filter(
        (e) =>
          e.twinId === twinId &&
          (!options.streams || options.streams.includes(streamOf(e.type))) &&
          (!options.types || options.types.includes(e.type)) &&
          (!options.ids || options.ids.includes(e.id)) &&
          (!options.occurredUntil || e.occurredAt <= options.occurredUntil),
      );
    },
  };
  return { log, reads };
}

async function queriesOver(all: EventEnvelope[], onRead?: (options: ReadStreamOptions) => void) {
  const { reads, ...fake } = fakeLog(all, onRead);
  // Only readStream is used by the queries under test.
  const log = fake.log as unknown as EventLog;
  const live = new LiveTwins(log, oneReplica(log));
  live.apply(
    all.map((event, offset) => ({
      event,
      position: { stream: streamOf(event.type), partition: 0, offset },
    })) as RecordedEvent[],
  );
  reads.length = 0;
  return { queries: new TwinQueries(live, new WholeDirectory(), log, catalog), reads };
}

describe('heavy twin queries', () => {
  it('a history fold lets a request that arrives meanwhile answer before it finishes', async () => {
    const order: string[] = [];
    const { queries } = await queriesOver(events(20_000), () => {
      // A cheap request arrives while the heavy one is reading.
      void nextTurn().then(() => order.push('cheap'));
    });
    await queries.at(TWIN, iso(30_000), 'event').then(() => order.push('heavy'));
    expect(order).toEqual(['cheap', 'heavy']);
  });

  it('provenance reads the one event that set the value and the limit setters, not the history', async () => {
    const all = events(2_000);
    const { queries, reads } = await queriesOver(all);
    const source = await queries.provenance(TWIN, 'temperature');
    expect(source.valueSetBy?.id).toBe('t2000');
    expect(source.limitsSetBy?.type).toBe('TwinRegistered');
    // Every read was narrowed to an id or to the twin-events stream.
    expect(reads.every((r) => r.ids !== undefined || r.streams?.join() === 'twin-events')).toBe(
      true,
    );
  });

  it('an audit page stops at its byte cap and still gives next; the pages together hold every event', async () => {
    const all = events(200, 100); // ~12 kB per event
    const { queries } = await queriesOver(all);
    const seen: number[] = [];
    let after: number | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await queries.audit(TWIN, {
        limit: 1000,
        ...(after !== undefined ? { after } : {}),
      });
      expect(JSON.stringify(page.events).length).toBeLessThan(AUDIT_PAGE_BYTES + 20_000);
      seen.push(...page.events.map((e) => e.position));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(all.map((_, i) => i));
  });

  it('a diff from before the registration says the twin did not exist then', async () => {
    const { queries } = await queriesOver(events(3));
    const changes = await queries.diff(TWIN, '2026-03-01T05:00:00Z', iso(3), 'event');
    expect(changes).toEqual([
      {
        path: 'twin',
        before: null,
        after: expect.objectContaining({ twinId: TWIN, level: 'asset' }),
      },
    ]);
  });

  it('refuses a heavy read beyond the queue with 503 BUSY and Retry-After', async () => {
    const gate = new HeavyReads(1, 1);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const first = gate.run(() => blocked);
    const second = gate.run(async () => 'second');
    const third = gate.run(async () => 'third').catch((e: unknown) => e);
    const refused = await third;
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 503, code: 'BUSY', headers: { 'Retry-After': '1' } });
    release();
    await first;
    expect(await second).toBe('second');
  });
});

describe("alerts in a twin's trail", () => {
  const registration = (twinId: string, site: string): EventEnvelope => {
    const ctx = { catalog, now: iso(0), maxFutureSkewMs: 60_000 };
    const command: TwinCommand = {
      type: 'RegisterTwin',
      twinType: 'cnc-milling-machine',
      site,
      commissionedAt: iso(0),
    };
    const [event] = stampEvents(twinId, decideTwin(command, initialTwinState(twinId), ctx), {
      commandId: `reg-${twinId}`,
      correlationId: 'c',
      causationId: null,
      producer: 'spec',
      now: iso(0),
    });
    return { ...event!, revision: 1 } as EventEnvelope;
  };
  const member = (twinId: string) => ({
    twinId,
    causeKey: `silence/${twinId}`,
    cause: {
      kind: 'silence',
      twinId,
      lastReadingAt: null,
      silentForSeconds: 300,
      severity: 'warning',
    },
    since: iso(5),
    clearedAt: null,
  });
  const alert = (type: string, data: Record<string, unknown>, n: number): EventEnvelope =>
    ({
      id: `alert-evt-${n}`,
      twinId: TWIN,
      type,
      schemaVersion: 1,
      revision: n,
      occurredAt: iso(10 + n),
      recordedAt: iso(10 + n),
      correlationId: 'c',
      causationId: null,
      producer: n === 3 ? 'alerting/key:0123456789abcdef' : 'alerting',
      data,
    }) as EventEnvelope;
  const trail = () => [
    registration(TWIN, 'site-a'),
    registration('mill-b', 'site-b'),
    alert(
      'AlertOpened',
      { alertId: 'a1', groupKey: TWIN, site: 'site-a', member: member(TWIN) },
      1,
    ),
    alert('AlertMemberJoined', { alertId: 'a1', member: member('mill-b') }, 2),
    alert('AlertAcknowledged', { alertId: 'a1', note: 'on it' }, 3),
  ];

  it('shows them with who acted, and leaves out one naming a member of a site the caller may not see', async () => {
    const { queries } = await queriesOver(trail());
    const all = await queries.audit(TWIN, { limit: 100 });
    expect(all.events.map((e) => [e.type, e.actor])).toEqual([
      ['TwinRegistered', null],
      ['AlertOpened', null],
      ['AlertMemberJoined', null],
      ['AlertAcknowledged', 'key:0123456789abcdef'],
    ]);
    const siteA = await queries.audit(TWIN, { limit: 100 }, (site) => site === 'site-a');
    expect(siteA.events.map((e) => e.type)).toEqual([
      'TwinRegistered',
      'AlertOpened',
      'AlertAcknowledged',
    ]);
  });

  it('folds a state as of a time from the twin streams only', async () => {
    const { queries, reads } = await queriesOver(trail());
    const state = await queries.at(TWIN, iso(100), 'record');
    expect(state.revision).toBe(1);
    expect(reads.map((r) => r.streams)).toEqual([['twin-events', 'telemetry']]);
  });
});
