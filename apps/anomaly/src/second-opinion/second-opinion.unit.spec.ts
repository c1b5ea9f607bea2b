import type { AskTask, Assistant } from '@twinlog/ai';
import { TwinlogError, type NewEvent, type TwinState } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { SecondOpinion, type SecondOpinionSettings } from './second-opinion';

const MIN = 60_000;
const quiet = { log: () => undefined, warn: () => undefined };
const twin = {
  twinId: 'm1',
  twinType: 'cnc-milling-machine',
  limits: {},
} as unknown as TwinState;

/** An assistant that answers from a script, and a log that refuses known ids. */
function rig(settings: Partial<SecondOpinionSettings> = {}, enabled = true) {
  const asks: AskTask<unknown>[] = [];
  const replies: Array<() => Promise<unknown>> = [];
  const assistant = {
    enabled,
    ask: async (task: AskTask<unknown>) => {
      asks.push(task);
      const value = await (replies.shift() ?? (() => Promise.resolve(nothing)))();
      return { value, model: 'test-model', usage: {}, cached: false, attempts: 1 };
    },
  } as unknown as Assistant;
  const appended: NewEvent[] = [];
  const log = {
    append: async (events: NewEvent[]) => {
      const fresh = events.filter((e) => !appended.some((a) => a.id === e.id));
      appended.push(...fresh);
      return { appended: fresh.map((e) => ({ id: e.id })), duplicates: [] };
    },
  } as unknown as EventLog;
  let wall = 0;
  const opinion = new SecondOpinion(
    {
      twinTypes: ['cnc-milling-machine'],
      intervalMs: 15 * MIN,
      perHour: 60,
      queue: 20,
      ...settings,
    },
    assistant,
    log,
    () => '2026-01-01T00:00:00.000Z',
    quiet,
    () => wall,
  );
  /** A reading at minute `m` (event time) of twin m1. */
  const feed = (m: number, silent = false, t = twin) =>
    opinion.observe(
      0,
      t,
      { id: `e${m}`, correlationId: `c${m}` },
      [{ property: 'temperature', value: 50 + m, unit: '°C', at: m * MIN }],
      [],
      silent,
    );
  return {
    opinion,
    assistant,
    asks,
    replies,
    appended,
    feed,
    tick: (ms: number) => (wall += ms),
  };
}

/** The twin an ask is about. */
const twinOf = (task: AskTask<unknown>) => (task.data as { twin: { id: string } }).twin.id;
/** The end of the window an ask is about (epoch ms). */
const windowEnd = (task: AskTask<unknown>) =>
  Date.parse((task.data as { window: { to: string } }).window.to);

const nothing = { verdict: 'nothing-unusual', properties: [], summary: 'All normal.' };
const possible = {
  verdict: 'possible-anomaly',
  properties: ['temperature'],
  summary: 'Temperature drifts up.',
};

describe('SecondOpinion', () => {
  it('asks once per closed window while live and records a possible anomaly with an id from the window', async () => {
    const r = rig();
    r.replies.push(() => Promise.resolve(possible));
    for (let m = 0; m <= 15; m += 1) r.feed(m);
    await r.opinion.idle();
    expect(r.asks).toHaveLength(1);
    expect(r.asks[0]).toMatchObject({ name: 'second-opinion', data: { twin: { id: 'm1' } } });
    expect(r.appended).toEqual([
      expect.objectContaining({
        id: 'm1/second-opinion/1970-01-01T00:15:00.000Z',
        type: 'AiFindingRecorded',
        producer: 'anomaly',
        causationId: 'e14',
        data: expect.objectContaining({
          source: 'ai-second-opinion',
          verdict: 'possible-anomaly',
          window: { from: '1970-01-01T00:00:00.000Z', to: '1970-01-01T00:15:00.000Z' },
          readings: 15,
        }),
      }),
    ]);
    expect(r.opinion.stats).toMatchObject({ asked: 1, possibleAnomalies: 1, findingsAppended: 1 });
  });

  it('asks nothing for replayed readings, for types not opted in, or with AI off', async () => {
    const replay = rig();
    for (let m = 0; m <= 45; m += 1) replay.feed(m, true);
    const other = rig();
    for (let m = 0; m <= 45; m += 1) other.feed(m, false, { ...twin, twinType: 'pump' });
    const off = rig({}, false);
    for (let m = 0; m <= 45; m += 1) off.feed(m);
    for (const r of [replay, other, off]) await r.opinion.idle();
    expect([replay.asks.length, other.asks.length, off.asks.length]).toEqual([0, 0, 0]);
    expect(replay.opinion.stats).toMatchObject({ enabled: true, windowsClosed: 0 });
    expect(off.opinion.stats).toMatchObject({ enabled: false, windowsClosed: 0 });
  });

  it('skips (and counts) windows beyond the hourly limit and while the queue is full', async () => {
    // Live: each reading judged before the next. Two asks, then the limit holds the rest, which
    // are skipped (counted) once they are more than one interval behind the newest reading.
    const limited = rig({ perHour: 2, intervalMs: MIN });
    for (let m = 0; m <= 5; m += 1) {
      limited.feed(m);
      await limited.opinion.idle();
    }
    expect(limited.asks).toHaveLength(2);
    expect(limited.opinion.stats).toMatchObject({
      windowsClosed: 5,
      skippedRateLimited: 1,
      skippedStale: 0,
      queued: 2,
    });
    limited.tick(3_600_000);
    limited.feed(6);
    await limited.opinion.idle();
    expect(limited.asks.map(windowEnd)).toEqual([1, 2, 5, 6].map((m) => m * MIN));
    expect(limited.opinion.stats).toMatchObject({ skippedRateLimited: 2, queued: 0 });

    const full = rig({ queue: 1, intervalMs: MIN });
    let release = () => undefined as void;
    full.replies.push(() => new Promise((r) => (release = () => r(nothing))));
    for (const id of ['a', 'b', 'c', 'd']) full.feed(0, false, { ...twin, twinId: id });
    for (const id of ['a', 'b', 'c', 'd']) full.feed(1, false, { ...twin, twinId: id });
    // One out at the model, one queued, the other two skipped: the feed never waited.
    expect(full.opinion.stats).toMatchObject({ windowsClosed: 4, queued: 1, skippedQueueFull: 2 });
    release();
    await full.opinion.idle();
    expect(full.asks.map(twinOf)).toEqual(['a', 'b']);
  });

  it('gives every twin its turn when all close windows at once and the hourly limit is below their number', async () => {
    const r = rig({ perHour: 3, intervalMs: 15 * MIN });
    const twins = Array.from({ length: 10 }, (_, i) => `m${i}`);
    // Six hours of event time and of wall-clock time: a reading of each twin every minute, in
    // the same order each time, so that all close their windows at the same moment.
    for (let m = 0; m <= 6 * 60; m += 1) {
      for (const id of twins) r.feed(m, false, { ...twin, twinId: id });
      await r.opinion.idle();
      r.tick(MIN);
    }
    const asked = r.asks.map(twinOf);
    expect(asked).toHaveLength(18);
    expect(new Set(asked)).toEqual(new Set(twins));
    // In turns: no twin asked a second time before every twin was asked once.
    expect(new Set(asked.slice(0, 10)).size).toBe(10);
    expect(r.opinion.stats).toMatchObject({ asked: 18, skippedStale: 0 });
  });

  it("asks about no window that ended more than one interval before its twin's newest reading (a backlog after an outage)", async () => {
    const r = rig({ perHour: 1000, intervalMs: 15 * MIN });
    const fedUpTo = { a: 0, b: 0 };
    const askedAt: Array<{ twin: string; to: number; newest: number }> = [];
    const ask = r.assistant.ask.bind(r.assistant);
    r.assistant.ask = ((task: AskTask<unknown>) => {
      const id = twinOf(task) as 'a' | 'b';
      askedAt.push({ twin: id, to: windowEnd(task), newest: fedUpTo[id] * MIN });
      return ask(task);
    }) as Assistant['ask'];
    // The model answers slowly: the worker reads a day's backlog while the first ask is out.
    let release = () => undefined as void;
    r.replies.push(() => new Promise((done) => (release = () => done(nothing))));
    for (let m = 0; m <= 24 * 60; m += 1) {
      fedUpTo.a = m;
      r.feed(m, false, { ...twin, twinId: 'a' });
      // A twin that stopped reporting two hours into the backlog: only its last window is
      // still news (its own newest reading is in it).
      if (m <= 120) {
        fedUpTo.b = m;
        r.feed(m, false, { ...twin, twinId: 'b' });
      }
    }
    release();
    await r.opinion.idle();
    expect(askedAt.filter((a) => a.twin === 'a').length).toBeGreaterThanOrEqual(2);
    expect(askedAt.filter((a) => a.twin === 'b').length).toBeLessThanOrEqual(2);
    for (const { to, newest } of askedAt) expect(to).toBeGreaterThanOrEqual(newest - 15 * MIN);
    // The backlog's other windows: skipped, not asked about a day late.
    expect(r.opinion.stats.skippedStale).toBeGreaterThanOrEqual(90);
  });

  it("judges staleness by each twin's own clock: a twin reporting in the present does not silence one a few intervals behind", async () => {
    const r = rig({ perHour: 1000, intervalMs: 15 * MIN });
    // Twin 'late' (a gateway or a simulator catching up) reports two hours behind twin 'now'.
    for (let m = 0; m <= 90; m += 1) {
      r.feed(m + 120, false, { ...twin, twinId: 'now' });
      r.feed(m, false, { ...twin, twinId: 'late' });
      await r.opinion.idle();
    }
    const late = r.asks.filter((task) => twinOf(task) === 'late');
    expect(late.map(windowEnd)).toEqual([15, 30, 45, 60, 75, 90].map((m) => m * MIN));
    expect(r.opinion.stats.skippedStale).toBe(0);
  });

  it('counts a failed ask and goes on; a finding already in the log is not appended again', async () => {
    const r = rig({ intervalMs: MIN });
    r.replies.push(
      () => Promise.reject(new TwinlogError('AI_UNAVAILABLE', 'down')),
      () => Promise.resolve(possible),
    );
    for (let m = 0; m <= 2; m += 1) r.feed(m);
    await r.opinion.idle();
    expect(r.opinion.stats).toMatchObject({ asked: 2, failed: 1, findingsAppended: 1 });
    // The same window asked again (a restart re-judging it): the log refuses the known id.
    const again = rig({ intervalMs: MIN });
    again.appended.push(...r.appended);
    again.replies.push(
      () => Promise.resolve(nothing),
      () => Promise.resolve(possible),
    );
    for (let m = 0; m <= 2; m += 1) again.feed(m);
    await again.opinion.idle();
    expect(again.opinion.stats).toMatchObject({ possibleAnomalies: 1, findingsAppended: 0 });
    expect(again.appended).toHaveLength(1);
  });
});
