import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessKeyRecord, EventEnvelope } from '@twinlog/domain';
import type { AccessKeyStore, EventLog, RecordedEvent } from '@twinlog/event-log';
import { AccessKeys, HttpProblem, type Principal } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TwinQueries } from '../queries/twin-queries.service';
import type { LiveTwins } from '../state/live-twins';
import { streamFilter, STREAM_QUERY } from './stream-filter';
import { StreamHub } from './stream-hub';
import { StreamHttpController } from './stream.http.controller';
import { WholeDirectory } from '../replicas/whole-directory';

// The stream's hub and route against a scripted log and fake sockets: who keeps a stream open,
// what a scoped caller is sent, the limits on opening streams, and a paced catch-up.

class FakeResponse extends EventEmitter {
  written = '';
  ended = false;
  destroyed = false;
  writableLength = 0;
  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }
  end(chunk?: string): void {
    if (chunk) this.written += chunk;
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  headersSent = false;
  writeHead(): void {
    this.headersSent = true;
  }
  flushHeaders(): void {
    this.headersSent = true;
  }
}

const P0 = [
  { stream: 'twin-events' as const, partition: 0, offset: 0 },
  { stream: 'telemetry' as const, partition: 0, offset: 0 },
];

function settings(stream: Partial<TwinStateConfig['stream']> = {}): TwinStateConfig {
  return {
    stream: {
      heartbeatMs: 3_600_000,
      window: 100,
      clientMaxBytes: 1_000,
      maxClients: 100,
      maxCatchUps: 4,
      ...stream,
    },
  } as TwinStateConfig;
}

let offset = 0;
let telemetryOffset = 0;
function reading(twinId: string): RecordedEvent {
  const event = {
    id: `r${telemetryOffset}`,
    twinId,
    type: 'TelemetryReported',
    revision: 1,
    occurredAt: '2026-01-01T00:00:00Z',
    recordedAt: '2026-01-01T00:00:00Z',
    data: { readings: [] },
  } as unknown as EventEnvelope;
  return {
    event,
    position: { stream: 'telemetry', partition: 0, offset: telemetryOffset++ },
  } as RecordedEvent;
}
function recorded(twinId: string, type: string, data: Record<string, unknown>): RecordedEvent {
  const event = {
    id: `e${offset}`,
    twinId,
    type,
    revision: 1,
    occurredAt: '2026-01-01T00:00:00Z',
    recordedAt: '2026-01-01T00:00:00Z',
    data,
  } as unknown as EventEnvelope;
  return {
    event,
    position: { stream: 'twin-events', partition: 0, offset: offset++ },
  } as RecordedEvent;
}

interface World {
  hub: StreamHub;
  controller: StreamHttpController;
  replays: number;
  sites: Map<string, string | null>;
}

type Replay = (
  options: {
    from: { positions: Array<{ stream: string; partition: number; offset: number }> };
    endAt: Array<{ stream: string; partition: number; offset: number }>;
  },
  handle: (batch: RecordedEvent[]) => Promise<void>,
) => Promise<void>;

function world(config = settings(), keys?: AccessKeys, replay?: Replay): World {
  const sites = new Map<string, string | null>();
  const w = { replays: 0, sites } as World;
  const twins = {
    followWith: () => undefined,
    places: () => [],
    get: (id: string) => (sites.has(id) ? { twinId: id, site: sites.get(id) } : undefined),
  } as unknown as LiveTwins;
  const log = {
    // A catch-up that reads nothing for as long as its client stays: it holds its turn.
    replay:
      replay ??
      (async (_options: unknown, handle: (batch: RecordedEvent[]) => Promise<void>) => {
        w.replays += 1;
        for (;;) {
          await new Promise((r) => setTimeout(r, 20));
          await handle([]);
        }
      }),
    bounds: async () => [{ partition: 0, start: 0, end: offset }],
  } as unknown as EventLog;
  w.hub = new StreamHub(twins, log, config, keys);
  w.hub.caughtUp(P0);
  w.controller = new StreamHttpController(
    w.hub,
    log,
    config,
    new TwinQueries(twins, new WholeDirectory(), log, {} as never),
  );
  return w;
}

const siteA: Principal = { id: 'key:aaaaaaaaaaaaaaaa', role: 'viewer', sites: ['site-a'] };
const everyone: Principal = { id: 'anonymous', role: 'admin', sites: '*' };

function open(w: World, query: Record<string, string>, caller: Principal, lastEventId?: string) {
  const res = new FakeResponse();
  const req = {
    headers: lastEventId ? { 'last-event-id': lastEventId } : {},
    destroyed: false,
    method: 'GET',
  };
  const parsed = STREAM_QUERY.parse(query);
  const opened = w.controller.open(
    parsed,
    caller,
    req as unknown as IncomingMessage,
    res as unknown as ServerResponse,
  );
  return { res, opened };
}

afterEach(() => jest.useRealTimers());

describe('StreamHub: credentials are checked while a stream is open', () => {
  function keyStore(): AccessKeyStore {
    const records = new Map<string, AccessKeyRecord>();
    return {
      async put(r) {
        records.set(r.keyId, structuredClone(r));
      },
      async all() {
        return [...records.values()].map((r) => structuredClone(r));
      },
    };
  }

  it('ends a stream whose key is revoked, with a closing message saying why', async () => {
    const keys = new AccessKeys(keyStore(), 60_000);
    const { key, record } = await keys.create(
      { name: 'k', role: 'viewer', sites: '*', expiresAt: null },
      'test',
    );
    const principal = (await keys.verify(key)) as Principal;
    jest.useFakeTimers();
    const w = world(settings(), keys);
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({}), principal),
      undefined,
      principal,
    );
    jest.advanceTimersByTime(3_000);
    expect(res.ended).toBe(false);
    await keys.revoke(record.keyId, 'test');
    jest.advanceTimersByTime(3_000);
    expect(res.ended).toBe(true);
    expect(res.written).toMatch(/event: unauthorized\ndata: .*revoked/);
    expect(w.hub.open).toBe(0);
  });

  it('ends a token stream at its expiry, though heartbeats keep it busy', () => {
    jest.useFakeTimers();
    const w = world(settings({ heartbeatMs: 500 }));
    const principal: Principal = { ...everyone, id: 'token:me', expiresAt: Date.now() + 10_000 };
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({}), principal),
      undefined,
      principal,
    );
    jest.advanceTimersByTime(9_000);
    expect(res.ended).toBe(false);
    jest.advanceTimersByTime(3_000);
    expect(res.ended).toBe(true);
    expect(res.written).toMatch(/event: unauthorized\ndata: .*expired/);
  });
});

describe('StreamHub: a scoped caller sees no other site', () => {
  it('leaves out events that name a twin of another site, as the audit trail does', () => {
    const w = world();
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({}), siteA),
      undefined,
      siteA,
    );
    w.hub.folded([
      recorded('b-line', 'TwinRegistered', { site: 'site-b', parentId: null }),
      recorded('b-secret-mill', 'TwinRegistered', { site: 'site-b', parentId: 'b-line' }),
      recorded('a-line', 'TwinRegistered', { site: 'site-a', parentId: null }),
      recorded('a-mill', 'TwinRegistered', { site: 'site-a', parentId: 'b-line' }),
      recorded('a-line', 'ChildAttached', { childId: 'b-secret-mill' }),
      recorded('a-line', 'ChildAttached', { childId: 'a-mill' }),
    ]);
    expect(res.written).not.toMatch(/b-line|b-secret-mill/);
    expect(res.written).toContain('"childId":"a-mill"');
    expect(res.written).toContain('"twinId":"a-line"');
  });

  it("answers twin=<another site's twin> like a twin that does not exist (404)", async () => {
    const w = world();
    w.sites.set('b-line', 'site-b');
    const unseen = await open(w, { twin: 'b-line', subtree: 'true' }, siteA).opened.catch(
      (e: unknown) => e,
    );
    const missing = await open(w, { twin: 'no-such', subtree: 'true' }, siteA).opened.catch(
      (e: unknown) => e,
    );
    expect(unseen).toMatchObject({ code: 'TWIN_NOT_FOUND' });
    expect(missing).toMatchObject({ code: 'TWIN_NOT_FOUND' });
    expect((unseen as Error).message.replace('b-line', 'X')).toBe(
      (missing as Error).message.replace('no-such', 'X'),
    );
    expect(w.hub.open).toBe(0);
  });
});

describe('StreamHttpController: limits on opening', () => {
  it('holds the client limit against concurrent resumes', async () => {
    const w = world(settings({ maxClients: 2 }));
    const id = w.hub.position.encode();
    const tries = Array.from({ length: 6 }, () =>
      open(w, {}, everyone, id).opened.then(
        () => 'open',
        (e: unknown) => e,
      ),
    );
    const results = await Promise.all(tries);
    expect(results.filter((r) => r === 'open')).toHaveLength(2);
    for (const r of results.filter((r) => r !== 'open'))
      expect(r).toMatchObject({ status: 503, code: 'STREAM_CLIENTS_FULL' });
    expect(w.hub.open).toBe(2);
  });

  it('bounds the catch-ups that read the log: one more waits, then 503 STREAM_BUSY', async () => {
    const w = world(settings({ window: 2, maxCatchUps: 1 }));
    const from = w.hub.position.encode();
    w.hub.folded(
      [1, 2, 3, 4, 5].map((i) =>
        recorded(`t${i}`, 'TwinRegistered', { site: null, parentId: null }),
      ),
    );
    const first = open(w, {}, everyone, from);
    await first.opened;
    await new Promise((r) => setTimeout(r, 50));
    expect(w.replays).toBe(1);
    const second = await open(w, {}, everyone, from).opened.catch((e: unknown) => e);
    expect(second).toBeInstanceOf(HttpProblem);
    expect(second).toMatchObject({ status: 503, code: 'STREAM_BUSY' });
    expect(w.replays).toBe(1);
    // The first one leaving gives its turn to the next.
    first.res.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const third = open(w, {}, everyone, from);
    await third.opened;
    await new Promise((r) => setTimeout(r, 50));
    expect(w.replays).toBe(2);
    third.res.destroy();
  });
});

describe('StreamHub: a client catching up is paced, not cut off', () => {
  it("skips the heartbeat while a catching-up client's queue is full", async () => {
    const w = world(settings({ window: 2, heartbeatMs: 100 }));
    const from = w.hub.position.copy();
    w.hub.folded(
      [1, 2, 3, 4, 5].map((i) =>
        recorded(`t${i}`, 'TwinRegistered', { site: null, parentId: null }),
      ),
    );
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({}), everyone),
      from,
    );
    // A paced batch left its queue above the bound; the heartbeats come meanwhile.
    res.writableLength = 10_000;
    await new Promise((r) => setTimeout(r, 350));
    expect(res.written).not.toContain('fell-behind');
    expect(res.ended).toBe(false);
    res.destroy();
  });
});

describe("StreamHub: a twin's site, live and resumed from the log", () => {
  it("agrees on a reading the follower read before its twin's registration", async () => {
    const log: RecordedEvent[] = [];
    const replay: Replay = async (options, handle) => {
      const at = (list: typeof options.endAt, r: RecordedEvent) =>
        list.find((p) => p.stream === r.position.stream && p.partition === r.position.partition)
          ?.offset ?? 0;
      await handle(
        log.filter(
          (r) =>
            r.position.offset >= at(options.from.positions, r) &&
            r.position.offset < at(options.endAt, r),
        ),
      );
    };
    const w = world(settings({ window: 2 }), undefined, replay);
    const from = w.hub.position.copy();
    const live = new FakeResponse();
    const filter = streamFilter(STREAM_QUERY.parse({ site: 'site-a' }), everyone);
    w.hub.attach(live as unknown as ServerResponse, filter);
    // The telemetry stream is read first: the reading comes before the registration.
    const batches = [
      [reading('late-mill')],
      [recorded('late-mill', 'TwinRegistered', { site: 'site-a', parentId: null })],
      [reading('late-mill')],
      ...[1, 2, 3].map((i) => [
        recorded(`x${i}`, 'TwinRegistered', { site: null, parentId: null }),
      ]),
    ];
    for (const batch of batches) {
      log.push(...batch);
      w.hub.folded(batch);
    }
    const resumed = new FakeResponse();
    expect(w.hub.needsLog(from)).toBe(true);
    w.hub.attach(resumed as unknown as ServerResponse, filter, from);
    await new Promise((r) => setTimeout(r, 100));
    const events = (res: FakeResponse) =>
      [...res.written.matchAll(/"eventId":"([^"]+)"/g)].map((m) => m[1]).sort();
    expect(events(live)).toHaveLength(2);
    expect(events(resumed)).toEqual(events(live));
    live.destroy();
    resumed.destroy();
  });
});

let alertOffset = 0;
function alertEvent(groupKey: string, type: string, data: Record<string, unknown>): RecordedEvent {
  const event = {
    id: `a${alertOffset}`,
    twinId: groupKey,
    type,
    revision: alertOffset + 1,
    occurredAt: '2026-01-01T00:00:00Z',
    recordedAt: '2026-01-01T00:00:00Z',
    producer: 'alerting/key:k',
    data,
  } as unknown as EventEnvelope;
  return {
    event,
    position: { stream: 'alerts', partition: 0, offset: alertOffset++ },
  } as RecordedEvent;
}
const member = (twinId: string) => ({
  twinId,
  causeKey: `anomaly/${twinId}`,
  cause: { kind: 'anomaly', twinId },
  since: '2026-01-01T00:00:00Z',
  clearedAt: null,
});
const plant = () => [
  recorded('line-1', 'TwinRegistered', { site: 'site-a', parentId: null }),
  recorded('mill-1', 'TwinRegistered', { site: 'site-a', parentId: 'line-1' }),
  recorded('mill-2', 'TwinRegistered', { site: 'site-a', parentId: 'line-1' }),
  recorded('tool-2', 'TwinRegistered', { site: 'site-a', parentId: 'mill-2' }),
  recorded('line-b', 'TwinRegistered', { site: 'site-b', parentId: null }),
];
/** An alert of line-1, opened for mill-1; mill-2 joins after it was acknowledged. */
const alertLife = (alertId: string) => [
  alertEvent('line-1', 'AlertOpened', {
    alertId,
    groupKey: 'line-1',
    severity: 'alarm',
    title: 'hot',
    site: 'site-a',
    member: member('mill-1'),
  }),
  alertEvent('line-1', 'AlertNotificationQueued', { alertId, deliveryId: 'dlv-1' }),
  alertEvent('line-1', 'AlertAcknowledged', { alertId, note: null }),
  alertEvent('line-1', 'AlertMemberJoined', { alertId, member: member('mill-2') }),
  alertEvent('line-1', 'AlertResolved', { alertId, reason: 'by-hand', note: null }),
];
const sent = (res: FakeResponse) =>
  [...res.written.matchAll(/event: ([a-z-]+)\ndata: .*?"event":"([A-Za-z]+)"/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );

describe('StreamHub: alerts', () => {
  function attached(w: World, query: Record<string, string>, caller = everyone) {
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse(query), caller),
      undefined,
      caller,
    );
    return res;
  }

  it("carries an alert's life (not its notifications) to its site and its members' twins and subtrees", () => {
    const w = world();
    w.hub.folded(plant());
    const clients = {
      group: attached(w, { twin: 'line-1' }),
      first: attached(w, { twin: 'mill-1' }),
      joined: attached(w, { twin: 'mill-2' }),
      below: attached(w, { twin: 'tool-2', subtree: 'true' }),
      above: attached(w, { twin: 'mill-2', subtree: 'true' }),
      siteA: attached(w, { site: 'site-a', types: 'alert-opened,alert-changed' }),
      siteB: attached(w, { site: 'site-b' }),
      scopedB: attached(w, {}, { ...siteA, sites: ['site-b'] }),
      opened: attached(w, { types: 'alert-opened' }),
    };
    w.hub.folded(alertLife('alert-1'));
    const life = [
      'alert-opened AlertOpened',
      'alert-changed AlertAcknowledged',
      'alert-changed AlertMemberJoined',
      'alert-changed AlertResolved',
    ];
    expect(sent(clients.group)).toEqual(life);
    expect(sent(clients.first)).toEqual(life);
    expect(sent(clients.siteA)).toEqual(life);
    // mill-2 is in it from its joining on; a twin below a member is not.
    expect(sent(clients.joined)).toEqual(life.slice(2));
    expect(sent(clients.above)).toEqual(life.slice(2));
    expect(sent(clients.below)).toEqual([]);
    expect(sent(clients.siteB)).toEqual([]);
    expect(sent(clients.scopedB)).toEqual([]);
    expect(sent(clients.opened)).toEqual(life.slice(0, 1));
    expect(clients.group.written).not.toContain('AlertNotificationQueued');
    expect(clients.group.written).toContain('"twinId":"line-1","site":"site-a"');
  });

  it('places an alert it did not see open (opened before this instance started) by its group twin', () => {
    const w = world();
    w.hub.folded(plant());
    const siteAClient = attached(w, { site: 'site-a' });
    const mill1 = attached(w, { twin: 'mill-1' });
    w.hub.folded([alertEvent('line-1', 'AlertAcknowledged', { alertId: 'old', note: null })]);
    expect(sent(siteAClient)).toEqual(['alert-changed AlertAcknowledged']);
    expect(sent(mill1)).toEqual([]);
  });

  it('leaves out an alert naming a member of a site the caller may not see', () => {
    const w = world();
    w.hub.folded([
      ...plant(),
      recorded('mill-b', 'TwinRegistered', { site: 'site-b', parentId: 'line-1' }),
    ]);
    const scoped = attached(w, {}, siteA);
    w.hub.folded([
      alertEvent('line-1', 'AlertOpened', {
        alertId: 'alert-x',
        groupKey: 'line-1',
        severity: 'alarm',
        title: 'hot',
        site: 'site-a',
        member: member('mill-1'),
      }),
      alertEvent('line-1', 'AlertMemberJoined', { alertId: 'alert-x', member: member('mill-b') }),
    ]);
    expect(sent(scoped)).toEqual(['alert-opened AlertOpened']);
  });

  it('resumes an alert from the log as it went live: members as of each event', async () => {
    const log: RecordedEvent[] = [];
    const replay: Replay = async (options, handle) => {
      const at = (list: typeof options.endAt, r: RecordedEvent) =>
        list.find((p) => p.stream === r.position.stream && p.partition === r.position.partition)
          ?.offset ?? 0;
      await handle(
        log.filter(
          (r) =>
            r.position.offset >= at(options.from.positions, r) &&
            r.position.offset < at(options.endAt, r),
        ),
      );
    };
    const w = world(settings({ window: 2 }), undefined, replay);
    const setup = plant();
    w.hub.folded(setup);
    const from = w.hub.position.copy();
    const live = attached(w, { twin: 'mill-2' });
    const batches = [
      ...alertLife('alert-2').map((e) => [e]),
      ...[1, 2, 3].map((i) => [
        recorded(`z${i}`, 'TwinRegistered', { site: null, parentId: null }),
      ]),
    ];
    for (const batch of batches) {
      log.push(...batch);
      w.hub.folded(batch);
    }
    expect(w.hub.needsLog(from)).toBe(true);
    const resumed = new FakeResponse();
    w.hub.attach(
      resumed as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({ twin: 'mill-2' }), everyone),
      from,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(sent(live)).toEqual(['alert-changed AlertMemberJoined', 'alert-changed AlertResolved']);
    expect(sent(resumed)).toEqual(sent(live));
    live.destroy();
    resumed.destroy();
  });
});

describe('StreamHub: a client catching up', () => {
  it("is sent only its twin's messages, as a live client is", async () => {
    const w = world();
    const from = w.hub.position.copy();
    w.hub.folded([
      recorded('mine', 'TwinRegistered', { site: null, parentId: null }),
      recorded('other', 'TwinRegistered', { site: null, parentId: null }),
      recorded('other', 'TwinRetired', { reason: 'x' }),
    ]);
    const res = new FakeResponse();
    w.hub.attach(
      res as unknown as ServerResponse,
      streamFilter(STREAM_QUERY.parse({ twin: 'mine' }), everyone),
      from,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(sent(res)).toEqual(['state-changed TwinRegistered']);
    expect(res.written).not.toContain('"twinId":"other"');
    res.destroy();
  });
});
