import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvents, STREAMS, type NewEvent } from '@twinlog/domain';
import { alertOpened } from '@twinlog/event-log/testing';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { openSse, until, type SseConnection } from '@twinlog/testing';
import {
  startTwinStateHarness,
  type Mode,
  type TwinStateHarness,
} from '../testing/twin-state-harness';
import { StreamCursor } from './stream-cursor';
import { StreamHub } from './stream-hub';
import { messageTypeOf } from './stream-message';

// The live stream against the real log: resumes with no gap and no duplicate under load (from
// the window and from the log), filters, heartbeats, a client that does not read, bad ids, and
// HTTP deadlines shorter than the streams (the gateway: apps/all-in-one live-stream spec).

jest.setTimeout(180_000);

const T0 = Date.now() - 3_600_000;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe.each<Mode>(['embedded', 'kafka'])('GET /v1/stream (%s)', (mode) => {
  let h: TwinStateHarness;
  const url = (query = '') => `${h.service.url}/v1/stream${query}`;
  let seq = 0;

  beforeAll(async () => {
    h = await startTwinStateHarness(mode, {
      TWIN_STATE_STREAM_WINDOW: '100',
      TWIN_STATE_STREAM_HEARTBEAT_MS: '200',
      TWIN_STATE_STREAM_CLIENT_MAX_BYTES: String(16 * 1024),
      // Shorter than the test's streams: a long-lived stream must outlive them.
      // (Not much shorter: the idle deadline also cuts a slow command's silent socket.)
      TWINLOG_HTTP_REQUEST_TIMEOUT_MS: '3000',
      TWINLOG_HTTP_IDLE_TIMEOUT_MS: '3000',
    });
    const register = (body: Record<string, unknown>) =>
      h.call('POST', '/v1/twins', { commissionedAt: at(0), site: 'plant-a', ...body });
    expect((await register({ twinId: 'line-1', twinType: 'production-line' })).status).toBe(201);
    for (const id of ['mill-a', 'mill-b'])
      expect(
        (await register({ twinId: id, twinType: 'cnc-milling-machine', parentId: 'line-1' }))
          .status,
      ).toBe(201);
    expect(
      (await register({ twinId: 'tool-b', twinType: 'cutting-tool', parentId: 'mill-b' })).status,
    ).toBe(201);
    expect(
      (await register({ twinId: 'mill-c', twinType: 'cnc-milling-machine', site: 'plant-b' }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => h?.close());
  const afterOpen: SseConnection[] = [];
  afterEach(() => afterOpen.splice(0).forEach((c) => c.close()));

  const report = (twinId: string, readings = 1) => {
    seq += 1;
    return h.report(
      twinId,
      Array.from({ length: readings }, (_, i) => ({
        property: 'temperature',
        value: 20 + (seq % 50),
        unit: '°C',
        occurredAt: at(seq + i / readings),
      })),
    );
  };
  const anomaly = (twinId: string, type: 'AnomalyDetected' | 'AnomalyCleared') =>
    h.infra.log.append(
      stampEvents(
        twinId,
        [
          type === 'AnomalyDetected'
            ? {
                type,
                occurredAt: at(seq),
                data: {
                  episodeId: `ep-${twinId}`,
                  detector: 'range',
                  properties: ['temperature'],
                  score: 0.9,
                  severity: 'alarm',
                  evidence: [],
                },
              }
            : { type, occurredAt: at(seq), data: { episodeId: `ep-${twinId}`, detector: 'range' } },
        ],
        {
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: null,
          producer: 'anomaly/test',
          now: new Date().toISOString(),
        },
      ) as NewEvent[],
    );
  const hubAt = () => h.service.app.get(StreamHub).position.encode();
  /** The ids of the events the stream carries after `id`, from the log itself. */
  const logAfter = async (id: string) => {
    const from = StreamCursor.parse(id) as StreamCursor;
    const ids: string[] = [];
    await h.infra.log.replay(
      { streams: [...STREAMS], from: { kind: 'positions', positions: from.positions() } },
      async (batch) => {
        for (const r of batch) if (messageTypeOf(r.event.type)) ids.push(r.event.id);
      },
    );
    return ids;
  };
  const eventIds = (c: SseConnection) =>
    c.messages
      .filter((m) => m.event !== 'fell-behind')
      .map((m) => (JSON.parse(m.data) as { eventId: string }).eventId);
  const caughtUp = (c: SseConnection) => c.until((x) => x.lastId === hubAt(), 60_000);

  it('answers text/event-stream with id lines, and resumes with no gap and no duplicate under load', async () => {
    let writing = true;
    let written = 0;
    const twins = ['mill-a', 'mill-b', 'tool-b', 'mill-c', 'line-1'];
    const writer = (async () => {
      while (writing) {
        await report(twins[written % twins.length]!);
        written += 1;
        // The embedded log appends synchronously: let the server run between appends.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const first = await openSse(url());
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    await first.until((c) => c.messages.length >= 30);
    const openId = firstIdOf(first);
    first.close();
    // Straight back: served from the window.
    const second = await openSse(url(), { 'last-event-id': first.lastId! });
    await second.until((c) => c.messages.length >= 30);
    second.close();
    // Back after more than the window: served from the log, then the window, then live.
    const mark = written;
    await until(
      () => written,
      (n) => n >= mark + 250,
      'the log moved on past the window',
    );
    const third = await openSse(url(`?lastEventId=${second.lastId!}`));
    await third.until((c) => c.messages.length >= 30);
    writing = false;
    await writer;
    await caughtUp(third);
    await new Promise((resolve) => setTimeout(resolve, 500));
    third.close();
    const arrived = [first, second, third].flatMap(eventIds);
    const expected = await logAfter(openId);
    expect(new Set(arrived).size).toBe(arrived.length);
    expect(arrived.length).toBe(expected.length);
    expect([...arrived].sort()).toEqual([...expected].sort());
    for (const m of first.messages) expect(m.id).toMatch(/^[0-9a-z.]+_[0-9a-z.]+_[0-9a-z.]+$/);
  });

  it('filters by twin, subtree, site and type', async () => {
    const open = async (query: string) => openSse(url(query));
    const [twin, subtree, site, types, all] = await Promise.all([
      open('?twin=mill-b'),
      open('?twin=line-1&subtree=true'),
      open('?site=plant-b'),
      open('?types=anomaly-opened,anomaly-closed'),
      open(''),
    ]);
    for (const id of ['mill-a', 'mill-b', 'tool-b', 'mill-c', 'line-1']) await report(id);
    await anomaly('mill-c', 'AnomalyDetected');
    await anomaly('tool-b', 'AnomalyDetected');
    await anomaly('mill-c', 'AnomalyCleared');
    const streams = [twin, subtree, site, types, all];
    afterOpen.push(...streams);
    await all.until((c) => c.messages.length === 8);
    await Promise.all(streams.map(caughtUp));
    const seen = (c: SseConnection) =>
      c.messages.map((m) => `${m.event} ${(JSON.parse(m.data) as { twinId: string }).twinId}`);
    expect(seen(twin)).toEqual(['state-changed mill-b']);
    // In log order per twin and stream; the two streams interleave as they are read.
    expect(seen(subtree).sort()).toEqual([
      'anomaly-opened tool-b',
      'state-changed line-1',
      'state-changed mill-a',
      'state-changed mill-b',
      'state-changed tool-b',
    ]);
    expect(seen(site).sort()).toEqual([
      'anomaly-closed mill-c',
      'anomaly-opened mill-c',
      'state-changed mill-c',
    ]);
    expect(seen(types).sort()).toEqual([
      'anomaly-closed mill-c',
      'anomaly-opened mill-c',
      'anomaly-opened tool-b',
    ]);
    expect(seen(all)).toHaveLength(8);
    expect(JSON.parse(all.messages[0]!.data)).toMatchObject({
      twinId: 'mill-a',
      site: 'plant-a',
      event: 'TelemetryReported',
      data: { readings: [{ property: 'temperature' }] },
    });
    streams.forEach((c) => c.close());
  });

  it('sends heartbeats on an idle stream and outlives the HTTP deadlines', async () => {
    const idle = await openSse(url('?twin=nobody-here'));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(idle.comments.filter((c) => c === 'keep-alive').length).toBeGreaterThanOrEqual(10);
    expect(idle.ended).toBe(false);
    // The heartbeat carries the position on, so a filtered client resumes from where the log is.
    await report('mill-a');
    await idle.until((c) => c.lastId === hubAt());
    idle.close();
  });

  it('tells a client that does not read where to resume, closes it, and the resume is exact', async () => {
    const hub = h.service.app.get(StreamHub);
    const slow = await openSse(url());
    const openBefore = hub.open;
    const startId = firstIdOf(slow);
    slow.answer.pause();
    // More than the kernel's socket buffers hold (the sender's grows to 4 MiB here).
    for (let i = 0; i < 120; i += 1)
      await Promise.all(['mill-a', 'mill-b', 'tool-b'].map((t) => report(t, 200)));
    await until(
      () => hub.open,
      (n) => n < openBefore,
      'the slow client was let go',
    );
    slow.answer.resume();
    await slow
      .until((c) => c.ended)
      .catch((e: Error) => {
        throw new Error(`slow: ${e.message}`);
      });
    const last = slow.messages[slow.messages.length - 1]!;
    expect(last.event).toBe('fell-behind');
    const { resumeFrom } = JSON.parse(last.data) as { resumeFrom: string };
    const t0 = Date.now();
    const resumed = await openSse(url(), { 'last-event-id': resumeFrom }).catch((e: Error) => {
      throw new Error(`resume after ${Date.now() - t0} ms: ${e.message}`);
    });
    await caughtUp(resumed);
    resumed.close();
    const arrived = [slow, resumed].flatMap(eventIds);
    const expected = await logAfter(startId);
    expect(new Set(arrived).size).toBe(arrived.length);
    expect([...arrived].sort()).toEqual([...expected].sort());
  });

  it('resumes an id of two lists (from before alerts): what followed it, alerts from the window on', async () => {
    const first = await openSse(url('?twin=mill-a'));
    afterOpen.push(first);
    await caughtUp(first);
    const legacy = first.lastId!.split('_').slice(0, 2).join('_');
    await report('mill-a');
    await h.infra.log.append([alertOpened('line-1', `alert-${seq}`, { memberTwinId: 'mill-a' })]);
    await first.until((c) => c.messages.length >= 2);
    const resumed = await openSse(url('?twin=mill-a'), { 'last-event-id': legacy });
    afterOpen.push(resumed);
    expect(resumed.status).toBe(200);
    await resumed.until((c) => c.messages.length >= 2);
    expect(resumed.messages.map((m) => m.event).sort()).toEqual(['alert-opened', 'state-changed']);
    expect(eventIds(resumed)).toEqual(eventIds(first));
    expect(resumed.messages[1]!.id).toMatch(/^[0-9a-z.]+_[0-9a-z.]+_[0-9a-z.]+$/);
  });

  it('answers HEAD with the headers and opens no stream', async () => {
    const hub = h.service.app.get(StreamHub);
    const before = await until(
      () => hub.open,
      (n) => n === 0,
      "the earlier tests' streams closed",
    );
    const answer = await fetch(url(), { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(hub.open).toBe(before);
  });

  it.each([
    ['not an id', 'zzz'],
    ['an Object built-in name', '__proto__'],
    ['too many partitions', '0.0.0.0.0.0.0.0_0'],
    ['an offset past the end of the log', '0_zzzzzzzzzz'],
    ['a huge number', '0_zzzzzzzzzzz'],
  ])('refuses %s as Last-Event-ID with 400 STREAM_ID_INVALID', async (_, id) => {
    const answer = await openSse(url(), { 'last-event-id': id });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body!)).toMatchObject({ error: { code: 'STREAM_ID_INVALID' } });
  });

  it('refuses a very long lastEventId (the query form) with 400 STREAM_ID_INVALID', async () => {
    const answer = await openSse(url(`?lastEventId=${'0.'.repeat(3_000)}0_0`));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body!)).toMatchObject({ error: { code: 'STREAM_ID_INVALID' } });
  });

  it.each([
    ['?subtree=true', 'subtree'],
    ['?types=alarms', 'types'],
    ['?twin=a%20b', 'twin'],
    ['?follow=yes', 'follow'],
    ['?lastEventId=x&after=y', 'after'],
  ])('refuses the query %s with 400 QUERY_INVALID', async (query, parameter) => {
    const answer = await openSse(url(query));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body!)).toMatchObject({
      error: { code: 'QUERY_INVALID', details: { parameter } },
    });
  });
});

describe('GET /v1/stream with authentication on (embedded)', () => {
  let h: TwinStateHarness;
  let admin: Record<string, string>;
  const url = (query = '') => `${h.service.url}/v1/stream${query}`;

  beforeAll(async () => {
    h = await startTwinStateHarness('embedded', {
      TWINLOG_AUTH: 'on',
      TWIN_STATE_STREAM_HEARTBEAT_MS: '200',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
    await ensureBootstrapKey(h.infra.log.accessKeys, file, true);
    admin = { authorization: `Bearer ${readFileSync(file, 'utf8').trim()}` };
    for (const [twinId, twinType, site] of [
      ['a-line', 'production-line', 'plant-a'],
      ['b-line', 'production-line', 'plant-b'],
      ['b-secret-mill', 'cnc-milling-machine', 'plant-b'],
    ])
      expect(
        (
          await h.call(
            'POST',
            '/v1/twins',
            { twinId, twinType, site, commissionedAt: at(0) },
            admin,
          )
        ).status,
      ).toBe(201);
  });
  afterAll(async () => h?.close());

  const viewerOf = async (sites: string[]) => {
    const key = await h.call(
      'POST',
      '/v1/admin/keys',
      { name: `viewer ${randomUUID()}`, role: 'viewer', sites },
      admin,
    );
    expect(key.status).toBe(201);
    return {
      keyId: key.json.keyId as string,
      headers: { authorization: `Bearer ${key.json.key}` },
    };
  };

  it("shows a plant-a viewer no event naming plant-b's twins, and 404 for plant-b's subtree", async () => {
    const viewer = await viewerOf(['plant-a']);
    const unseen = await openSse(url('?twin=b-line&subtree=true'), viewer.headers);
    const missing = await openSse(url('?twin=no-such-line&subtree=true'), viewer.headers);
    expect([unseen.status, missing.status]).toEqual([404, 404]);
    expect(JSON.parse(unseen.body!).error.code).toBe('TWIN_NOT_FOUND');
    const stream = await openSse(url(), viewer.headers);
    const everything = await openSse(url(), admin);
    try {
      expect(stream.status).toBe(200);
      await h.infra.log.append(
        stampEvents(
          'a-line',
          [
            {
              type: 'ChildAttached',
              occurredAt: at(1),
              data: { childId: 'b-secret-mill', childType: 'cnc-milling-machine' },
            },
            {
              type: 'AnomalyDetected',
              occurredAt: at(2),
              data: {
                episodeId: 'ep-a-line',
                detector: 'range',
                properties: ['temperature'],
                score: 0.9,
                severity: 'alarm',
                evidence: [],
              },
            },
          ],
          {
            commandId: randomUUID(),
            correlationId: randomUUID(),
            causationId: null,
            producer: 'twin-state/test',
            now: new Date().toISOString(),
          },
        ) as NewEvent[],
      );
      await everything.until((c) => c.messages.length === 2);
      await stream.until((c) => c.lastId === everything.lastId, 30_000);
      const seen = stream.messages.map((m) => JSON.parse(m.data) as { event: string });
      expect(seen.map((m) => m.event)).toEqual(['AnomalyDetected']);
      expect(JSON.stringify(stream.messages)).not.toContain('b-secret-mill');
    } finally {
      stream.close();
      everything.close();
    }
  });

  it('ends a stream within seconds of its key being revoked, saying why', async () => {
    const viewer = await viewerOf(['plant-a']);
    const stream = await openSse(url(), viewer.headers);
    try {
      expect(stream.status).toBe(200);
      const revoked = await h.call('DELETE', `/v1/admin/keys/${viewer.keyId}`, undefined, admin);
      expect(revoked.status).toBe(200);
      await stream.until((c) => c.ended, 15_000);
      expect(stream.messages.at(-1)).toMatchObject({ event: 'unauthorized' });
      expect(JSON.parse(stream.messages.at(-1)!.data).reason).toMatch(/revoked/);
      expect((await openSse(url(), viewer.headers)).status).toBe(401);
    } finally {
      stream.close();
    }
  });
});

/** The id a stream opened at (its first `id:` line, before any message). */
function firstIdOf(c: SseConnection): string {
  if (!c.openId) throw new Error('the stream sent no opening id');
  return c.openId;
}
