import { randomUUID } from 'node:crypto';
import { isTwinlogError, TwinlogError, type EventEnvelope } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '../event-log.port';
import { DEAD_LETTER_PAYLOAD_BYTES } from '../shared/dead-letter-cap';
import { accessKeyCases, type OpenLog } from './access-key.contract';
import { alertStreamCases } from './alert-stream.contract';
import { documentStoreCases } from './document-store.contract';
import { eventually, registered, retired, telemetry } from './sample-events';

/**
 * The semantics every EventLog adapter must have, run unchanged against the embedded log and
 * the Kafka log. `open` gives a fresh, empty log (its own file or topics) each time it is called,
 * or, given a log it opened, another instance on that log's store (the same file or topics).
 * `only` runs just the cases whose titles match, for a variant of an adapter that differs in
 * one part (the others are not registered, rather than reported as skipped).
 */
export function describeEventLogContract(name: string, open: OpenLog, only?: RegExp): void {
  const it = (title: string, fn: () => Promise<void>) => {
    if (!only || only.test(title)) globalThis.it(title, fn);
  };
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    const twin = () => `twin-${randomUUID().slice(0, 8)}`;
    const base = Date.now() - 3_600_000;
    const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
    const letterAt = (seconds: number, code: string) => ({
      at: at(seconds),
      consumer: 'ingestion',
      code,
      reason: `refused ${seconds}`,
      source: { stream: 'ingestion/http' },
      payload: '{}',
    });

    beforeAll(async () => {
      log = await open();
    });
    afterAll(async () => {
      await log?.close();
    });

    it('appends and reads a twin stream back in order, revisions increasing per stream', async () => {
      const id = twin();
      const events = [
        registered(id, { recordedAt: at(0) }),
        telemetry(id, 40, at(1), { recordedAt: at(1) }),
        telemetry(id, 41, at(2), { recordedAt: at(2) }),
        retired(id, { recordedAt: at(3) }),
      ];
      const result = await log.append(events);
      expect(result.appended.map((a) => a.id)).toEqual(events.map((e) => e.id));
      const stream = await log.readStream(id);
      expect(stream.map((e) => e.id)).toEqual(events.map((e) => e.id));
      const telemetryRevisions = stream
        .filter((e) => e.type === 'TelemetryReported')
        .map((e) => e.revision);
      expect(telemetryRevisions[1]!).toBeGreaterThan(telemetryRevisions[0]!);
      expect(stream[3]!.revision).toBeGreaterThan(stream[0]!.revision);
    });

    it('gives each of many concurrent appends the true positions of its own events', async () => {
      const ids = Array.from({ length: 6 }, () => twin());
      const appends = Array.from({ length: 20 }, (_, a) =>
        Array.from({ length: 5 }, (_, i) =>
          telemetry(ids[(a + i) % ids.length]!, a * 10 + i, at(a)),
        ),
      );
      const results = await Promise.all(appends.map((events) => log.append(events)));
      const reported = new Map(
        results.flatMap((r) => r.appended.map((a) => [a.id, a.position] as const)),
      );
      expect(reported.size).toBe(100);
      const actual = new Map<string, unknown>();
      await log.replay({ streams: ['telemetry'] }, async (batch) =>
        batch.forEach((r) => reported.has(r.event.id) && actual.set(r.event.id, r.position)),
      );
      expect(actual).toEqual(reported);
    });

    it('appends an event id only once', async () => {
      const id = twin();
      const event = registered(id);
      await log.append([event]);
      const again = await log.append([event, event]);
      expect(again.appended).toEqual([]);
      expect(again.duplicates).toEqual([event.id, event.id]);
      expect(await log.readStream(id)).toHaveLength(1);
    });

    it('refuses an append whose expected revision is stale, and telemetry does not move it', async () => {
      const id = twin();
      await log.append([registered(id, { recordedAt: at(1) })]);
      const [first] = await log.readStream(id);
      await log.append([telemetry(id, 40, at(2), { recordedAt: at(2) })]);
      await log.append([retired(id, { recordedAt: at(3) })], {
        expectedRevision: { twinId: id, revision: first!.revision },
      });
      const conflict = await log
        .append([retired(id)], { expectedRevision: { twinId: id, revision: first!.revision } })
        .catch((e: unknown) => e);
      expect(isTwinlogError(conflict, 'REVISION_CONFLICT')).toBe(true);
      expect((await log.readStream(id)).map((e) => e.type)).toEqual([
        'TwinRegistered',
        'TelemetryReported',
        'TwinRetired',
      ]);
      const fresh = await log.append([registered(twin())], {
        expectedRevision: { twinId: twin(), revision: 0 },
      });
      expect(fresh.appended).toHaveLength(1);
    });

    it('refuses to append an invalid event', async () => {
      const bad = {
        ...telemetry(twin(), 1, at(1)),
        data: { readings: [{ property: 'x', value: Number.NaN }] },
      };
      const error = await log.append([bad as never]).catch((e: unknown) => e);
      expect(isTwinlogError(error, 'EVENT_INVALID')).toBe(true);
    });

    it('reads a stream as of a record time or an event time, and by type', async () => {
      const id = twin();
      await log.append([registered(id, { recordedAt: at(0), occurredAt: at(0) })]);
      await log.append([telemetry(id, 40, at(100), { recordedAt: at(101) })]);
      await log.append([telemetry(id, 41, at(50), { recordedAt: at(200) })]);
      expect(await log.readStream(id, { recordedUntil: at(150) })).toHaveLength(2);
      expect((await log.readStream(id, { occurredUntil: at(60) })).map((e) => e.type)).toEqual([
        'TwinRegistered',
        'TelemetryReported',
      ]);
      expect(await log.readStream(id, { types: ['TwinRegistered'] })).toHaveLength(1);
      expect(await log.readStream(id, { streams: ['telemetry'] })).toHaveLength(2);
      const [, second] = await log.readStream(id, { streams: ['telemetry'] });
      expect((await log.readStream(id, { ids: [second!.id] })).map((e) => e.id)).toEqual([
        second!.id,
      ]);
      expect(await log.readStream(id, { ids: [] })).toEqual([]);
    });

    it('delivers every event to a consumer group, committing only after the handler succeeds', async () => {
      const id = twin();
      const group = `group-${randomUUID()}`;
      await log.append([registered(id), telemetry(id, 1, at(1)), telemetry(id, 2, at(2))]);
      const seen: EventEnvelope[] = [];
      let failOnce = true;
      const sub = await log.subscribe({
        group,
        streams: ['twin-events', 'telemetry'],
        handler: async (batch: RecordedEvent[]) => {
          const mine = batch.filter((r) => r.event.twinId === id);
          if (failOnce && mine.length > 0) {
            failOnce = false;
            throw new Error('transient failure');
          }
          seen.push(...mine.map((r) => r.event));
        },
      });
      await eventually(() => seen.length === 3, 'the 3 events after one failed attempt');
      await sub.stop();

      await log.append([telemetry(id, 3, at(3))]);
      const later: EventEnvelope[] = [];
      const again = await log.subscribe({
        group,
        streams: ['twin-events', 'telemetry'],
        handler: async (batch) =>
          void later.push(...batch.filter((r) => r.event.twinId === id).map((r) => r.event)),
      });
      await eventually(() => later.length >= 1, 'the event appended after the restart');
      await new Promise((r) => setTimeout(r, 500));
      await again.stop();
      expect(later.map((e) => e.type === 'TelemetryReported' && e.data.readings[0]?.value)).toEqual(
        [3],
      );
    });

    it('broadcasts every event to each broadcast subscriber, from the beginning, with no shared offsets', async () => {
      const id = twin();
      await log.append([registered(id), telemetry(id, 1, at(1))]);
      const seenBy: EventEnvelope[][] = [[], []];
      const subs = await Promise.all(
        seenBy.map((seen) =>
          log.subscribe({
            group: 'directory',
            streams: ['twin-events'],
            broadcast: true,
            handler: async (batch) =>
              void seen.push(...batch.filter((r) => r.event.twinId === id).map((r) => r.event)),
          }),
        ),
      );
      await eventually(
        () => seenBy.every((seen) => seen.length === 1),
        'the registration, seen by both subscribers',
      );
      await log.append([retired(id)]);
      await eventually(
        () => seenBy.every((seen) => seen.length === 2),
        'the retirement appended later, seen by both subscribers',
      );
      await Promise.all(subs.map((s) => s.stop()));
      for (const seen of seenBy)
        expect(seen.map((e) => e.type)).toEqual(['TwinRegistered', 'TwinRetired']);

      // Nothing was committed: a new broadcast subscriber starts again from the beginning.
      const later: EventEnvelope[] = [];
      const again = await log.subscribe({
        group: 'directory',
        streams: ['twin-events'],
        broadcast: true,
        handler: async (batch) =>
          void later.push(...batch.filter((r) => r.event.twinId === id).map((r) => r.event)),
      });
      await eventually(() => later.length === 2, 'both events again for a new subscriber');
      await again.stop();
    });

    it('starts a broadcast subscriber at given positions, such as where a replay ended', async () => {
      const id = twin();
      await log.append([registered(id), telemetry(id, 1, at(1))]);
      const { next } = await log.replay(
        { streams: ['twin-events', 'telemetry'] },
        async () => undefined,
      );
      await log.append([telemetry(id, 2, at(2))]);
      const seen: EventEnvelope[] = [];
      const sub = await log.subscribe({
        group: 'tail',
        streams: ['twin-events', 'telemetry'],
        broadcast: true,
        startAt: next,
        handler: async (batch) => void seen.push(...batch.map((r) => r.event)),
      });
      await log.append([retired(id)]);
      await eventually(
        () => seen.some((e) => e.type === 'TwinRetired'),
        'the retirement appended after the subscriber started',
      );
      await new Promise((r) => setTimeout(r, 300));
      await sub.stop();
      // Only what came after the replay: the second reading and the retirement, nothing older.
      expect(
        seen
          .map((e) => (e.type === 'TelemetryReported' ? e.data.readings[0]!.value : e.type))
          .sort(),
      ).toEqual([2, 'TwinRetired'].sort());
    });

    it('dead-letters an event its handler refuses for good, and delivers the rest of the batch', async () => {
      const id = twin();
      const events = [telemetry(id, 1, at(1)), telemetry(id, 666, at(2)), telemetry(id, 3, at(3))];
      await log.append(events);
      const handled: number[] = [];
      const sub = await log.subscribe({
        group: `group-${randomUUID()}`,
        streams: ['telemetry'],
        handler: async (batch) => {
          const mine = batch.filter((r) => r.event.twinId === id);
          for (const { event } of mine) {
            const value = event.type === 'TelemetryReported' ? event.data.readings[0]!.value : 0;
            if (value === 666) throw new TwinlogError('VALUE_INVALID', 'the handler refuses 666');
          }
          handled.push(
            ...mine.map((r) =>
              r.event.type === 'TelemetryReported' ? r.event.data.readings[0]!.value : 0,
            ),
          );
        },
      });
      await eventually(() => handled.includes(3), 'the event after the refused one');
      await sub.stop();
      expect([...new Set(handled)]).toEqual([1, 3]);
      const letters = await log.readDeadLetters();
      const letter = letters.find((l) => l.payload.includes(events[1]!.id));
      expect(letter).toMatchObject({ code: 'VALUE_INVALID', reason: 'the handler refuses 666' });
    });

    it('replays from the beginning, from positions, from a time, and up to a time, with progress', async () => {
      // A log of its own: "from a time" starts at the first event recorded at or after it and
      // takes everything after that in log order, as Kafka's offsetsForTimes does.
      const log = await open();
      const id = twin();
      const appended = await log.append([
        telemetry(id, 1, at(1), { recordedAt: at(1000) }),
        telemetry(id, 2, at(2), { recordedAt: at(2000) }),
        telemetry(id, 3, at(3), { recordedAt: at(3000) }),
      ]);
      const collect = async (options: Parameters<EventLog['replay']>[0]) => {
        const values: number[] = [];
        const progress: number[] = [];
        const result = await log.replay(
          { ...options, onProgress: (p) => progress.push(p.events) },
          async (batch) => {
            for (const { event } of batch)
              if (event.twinId === id && event.type === 'TelemetryReported')
                values.push(event.data.readings[0]!.value);
          },
        );
        return { values, progress, result };
      };
      const all = await collect({ streams: ['telemetry'] });
      expect(all.values).toEqual([1, 2, 3]);
      expect(all.progress.length).toBeGreaterThan(0);
      const second = appended.appended[1]!.position;
      expect(
        (
          await collect({
            streams: ['telemetry'],
            from: { kind: 'positions', positions: [second] },
          })
        ).values,
      ).toEqual([2, 3]);
      expect(
        (await collect({ streams: ['telemetry'], from: { kind: 'time', recordedAt: at(1500) } }))
          .values,
      ).toEqual([2, 3]);
      expect((await collect({ streams: ['telemetry'], until: at(2500) })).values).toEqual([1, 2]);
      const next = all.result.next.find(
        (p) => p.stream === 'telemetry' && p.partition === second.partition,
      );
      expect(next!.offset).toBeGreaterThan(appended.appended[2]!.position.offset);
      await log.close();
    });

    it('replays one partition up to a position, as a consumer restoring its state does', async () => {
      const log = await open();
      const id = twin();
      const appended = await log.append([1, 2, 3, 4].map((v) => telemetry(id, v, at(v))));
      const { partition } = appended.appended[0]!.position;
      const third = appended.appended[2]!.position;
      const seen: Array<{ value: number; partition: number }> = [];
      const result = await log.replay(
        { streams: ['telemetry'], partitions: [partition], endAt: [third] },
        async (batch) => {
          for (const { event, position } of batch)
            if (event.type === 'TelemetryReported')
              seen.push({ value: event.data.readings[0]!.value, partition: position.partition });
        },
      );
      expect(seen).toEqual([1, 2].map((value) => ({ value, partition })));
      expect(result.next).toEqual([third]);
      let others = 0;
      await log.replay(
        { streams: ['telemetry'], partitions: [partition + 1000] },
        async (batch) => void (others += batch.length),
      );
      expect(others).toBe(0);
      await log.close();
    });

    it('keeps the latest snapshot per twin', async () => {
      const id = twin();
      const position = { stream: 'twin-events' as const, partition: 0, offset: 5 };
      await log.snapshots.save([{ twinId: id, state: { v: 1 }, next: [position], takenAt: at(1) }]);
      await log.snapshots.save([
        { twinId: id, state: { v: 2 }, next: [{ ...position, offset: 9 }], takenAt: at(2) },
      ]);
      expect(await log.snapshots.loadLatest(id)).toEqual({
        twinId: id,
        state: { v: 2 },
        next: [{ ...position, offset: 9 }],
        takenAt: at(2),
      });
      expect(await log.snapshots.loadLatest(twin())).toBeUndefined();
      const all: string[] = [];
      for await (const s of log.snapshots.loadAll()) all.push(s.twinId);
      expect(all.filter((t) => t === id)).toEqual([id]);
    });

    it('keeps dead letters with their reason and source', async () => {
      const letter = {
        at: at(1),
        consumer: 'spec',
        code: 'EVENT_INVALID',
        reason: `bad ${randomUUID()}`,
        source: { stream: 'telemetry', partition: 0, offset: 7 },
        payload: '{oops',
      };
      await log.deadLetter(letter);
      await eventually(
        async () => (await log.readDeadLetters()).some((l) => l.reason === letter.reason),
        'the dead letter',
      );
      expect((await log.readDeadLetters()).find((l) => l.reason === letter.reason)).toEqual({
        ...letter,
        id: expect.any(String),
      });
    });

    it('gives each dead letter a stable id and keeps replay records apart from the letters', async () => {
      const reason = `replayable ${randomUUID()}`;
      const letter = {
        at: at(2),
        consumer: 'spec',
        code: 'TWIN_NOT_FOUND',
        reason,
        source: { stream: 'ingestion/http' },
        payload: '{}',
      };
      await log.deadLetter(letter);
      const find = async () => (await log.readDeadLetters()).find((l) => l.reason === reason);
      await eventually(async () => (await find()) !== undefined, 'the dead letter');
      const { id } = (await find())!;
      const replay = { at: at(3), by: 'spec', accepted: [id], refused: [], skipped: [] };
      await log.recordDeadLetterReplay(replay);
      await eventually(
        async () => (await log.readDeadLetterReplays()).some((r) => r.accepted.includes(id)),
        'the replay record',
      );
      expect((await find())!.id).toBe(id);
      expect((await log.readDeadLetters()).filter((l) => l.id === id)).toHaveLength(1);
    });

    it('stores at most DEAD_LETTER_PAYLOAD_BYTES of a payload, and says how large it was', async () => {
      const log = await open();
      const big = `{"property":"${'é'.repeat(60_000)}"}`;
      await log.deadLetter({ ...letterAt(1, 'READING_INVALID'), payload: big });
      await log.deadLetter({ ...letterAt(2, 'READING_INVALID'), payload: '{"small":1}' });
      await log.deadLetter({
        ...letterAt(3, 'READING_INVALID'),
        payload: Buffer.alloc(50_000, 7).toString('base64'),
        payloadEncoding: 'base64',
      });
      await eventually(async () => (await log.readDeadLetters()).length === 3, 'the letters');
      const [cut, small, binary] = await log.readDeadLetters();
      expect(Buffer.byteLength(cut!.payload)).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_BYTES);
      expect(Buffer.byteLength(cut!.payload)).toBeGreaterThan(DEAD_LETTER_PAYLOAD_BYTES - 4);
      expect(big.startsWith(cut!.payload)).toBe(true);
      expect(cut!.payloadBytes).toBe(Buffer.byteLength(big));
      expect(small).not.toHaveProperty('payloadBytes');
      expect(small!.payload).toBe('{"small":1}');
      expect(binary!.payload.length % 4).toBe(0);
      expect(binary!.payloadBytes).toBe(Buffer.alloc(50_000).toString('base64').length);
      await log.close();
    });

    it('reads dead letters a page at a time and by id, reading only what it answers', async () => {
      const log = await open();
      const codes = ['TWIN_NOT_FOUND', 'READING_INVALID'];
      for (let i = 0; i < 40; i++)
        await log.deadLetter({
          ...letterAt(i, codes[i % 2]!),
          payload: `{"n":${i},"pad":"${'x'.repeat(20_000)}"}`,
        });
      await log.recordDeadLetterReplay({
        at: at(50),
        by: 'spec',
        accepted: [],
        refused: [],
        skipped: [],
      });
      await eventually(async () => (await log.readDeadLetters()).length === 40, 'the letters');
      const all = await log.readDeadLetters();
      const n = (l: { payload: string }) => Number(/"n":(\d+)/.exec(l.payload)![1]);

      // Paged from the start to the end: every letter once, in order.
      const seen: number[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const before = log.deadLetterRecordsRead;
        const page = await log.readDeadLetterPage({ after, limit: 7, maxBytes: 1_000_000 });
        expect(log.deadLetterRecordsRead - before).toBeLessThanOrEqual(8);
        seen.push(...page.letters.map(n));
        after = page.next ?? undefined;
        pages++;
      } while (after !== undefined && pages < 20);
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));

      // The byte cap ends a page early, with a next; a page always has one letter.
      const capped = await log.readDeadLetterPage({ limit: 1_000, maxBytes: 20_000 });
      expect(capped.letters.map(n)).toEqual([0, 1]);
      expect(capped.next).not.toBeNull();
      const tiny = await log.readDeadLetterPage({ limit: 1_000, maxBytes: 1 });
      expect(tiny.letters.map(n)).toEqual([0]);

      // Filtered by code and by time, from a cursor.
      const byCode = await log.readDeadLetterPage({
        code: 'READING_INVALID',
        limit: 3,
        maxBytes: 1e9,
      });
      expect(byCode.letters.map(n)).toEqual([1, 3, 5]);
      const since = await log.readDeadLetterPage({
        since: at(30),
        code: 'TWIN_NOT_FOUND',
        limit: 100,
        maxBytes: 1e9,
      });
      expect(since.letters.map(n)).toEqual([30, 32, 34, 36, 38]);
      expect(since.next).toBeNull();
      const fromCursor = await log.readDeadLetterPage({
        after: all[36]!.id,
        limit: 100,
        maxBytes: 1e9,
      });
      expect(fromCursor.letters.map(n)).toEqual([37, 38, 39]);
      const atEnd = await log.readDeadLetterPage({ after: all[39]!.id, limit: 100, maxBytes: 1e9 });
      expect(atEnd.letters).toEqual([]);
      expect(atEnd.afterEnd).toBeUndefined();
      const pastEnd = await log.readDeadLetterPage({
        after: '999999999',
        limit: 100,
        maxBytes: 1e9,
      });
      expect(pastEnd.afterEnd).toBe(true);

      // By id: those asked for, in log order; unknown ids left out.
      const before = log.deadLetterRecordsRead;
      const found = await log.readDeadLettersById([all[7]!.id, all[3]!.id, '999999999']);
      expect(found.map(n)).toEqual([3, 7]);
      expect(found[0]).toEqual(all[3]);
      expect(log.deadLetterRecordsRead - before).toBeLessThanOrEqual(5);
      await log.close();
    });

    it('tells where each partition of a stream starts and ends', async () => {
      const log = await open();
      const id = twin();
      const before = await log.bounds('telemetry');
      const appended = await log.append([telemetry(id, 1, at(1)), telemetry(id, 2, at(2))]);
      const after = await log.bounds('telemetry');
      const partition = appended.appended[0]!.position.partition;
      const end = (bs: typeof after) => bs.find((b) => b.partition === partition)?.end ?? 0;
      expect(end(after) - end(before)).toBe(2);
      expect(after.every((b) => b.start <= b.end && b.stream === 'telemetry')).toBe(true);
      await log.close();
    });

    alertStreamCases(it, open);
    accessKeyCases(it, open);
    documentStoreCases(it, open);
  });
}
