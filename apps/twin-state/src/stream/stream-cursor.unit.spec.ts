import fc from 'fast-check';
import type { EventLog, LogPosition, PartitionBounds, ReplayOptions } from '@twinlog/event-log';
import { HttpProblem } from '@twinlog/service-kit';
import { resumePoint } from './resume-point';
import { StreamCursor } from './stream-cursor';

const offsets = fc.array(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 12 });
const positions = fc
  .tuple(offsets, offsets, offsets)
  .map(([events, telemetry, alerts]): LogPosition[] => [
    ...events.map((offset, partition) => ({ stream: 'twin-events' as const, partition, offset })),
    ...telemetry.map((offset, partition) => ({ stream: 'telemetry' as const, partition, offset })),
    ...alerts.map((offset, partition) => ({ stream: 'alerts' as const, partition, offset })),
  ]);

describe('StreamCursor', () => {
  it('reads back every position it writes', () => {
    fc.assert(
      fc.property(positions, (p) => {
        const parsed = StreamCursor.parse(StreamCursor.of(p).encode());
        expect(parsed).toBeInstanceOf(StreamCursor);
        expect((parsed as StreamCursor).positions()).toEqual(p);
      }),
    );
  });

  it('is after an event once it advanced past it, and only then', () => {
    const cursor = StreamCursor.of([
      { stream: 'twin-events', partition: 0, offset: 5 },
      { stream: 'telemetry', partition: 0, offset: 9 },
      { stream: 'alerts', partition: 0, offset: 2 },
    ]);
    const event = { stream: 'telemetry' as const, partition: 0, offset: 9 };
    expect(cursor.before(event)).toBe(true);
    expect(cursor.advance(event)).toBe(true);
    expect(cursor.before(event)).toBe(false);
    expect(cursor.advance(event)).toBe(false);
    expect(cursor.encode()).toBe('5_a_2');
    expect(cursor.advance({ stream: 'alerts', partition: 0, offset: 3 })).toBe(true);
    expect(cursor.encode()).toBe('5_a_4');
  });

  it.each([
    '',
    '_',
    'a',
    'A_1',
    '1_1_1_1',
    '1_1_',
    '1__1',
    '-1_0',
    '1,2_3',
    '__proto__',
    'constructor',
    ' 1_1',
    '1_1\n',
  ])('refuses %j', (text) =>
    expect(StreamCursor.parse(text)).toEqual({ invalid: expect.any(String) }),
  );

  it('refuses an offset beyond a safe integer', () =>
    expect(StreamCursor.parse('0_zzzzzzzzzzz')).toEqual({ invalid: 'an offset is too large' }));

  it('reads an id of two lists, from before the alerts stream, with its alerts position missing', () => {
    const legacy = StreamCursor.parse('5.6_a') as StreamCursor;
    expect(legacy.missing).toEqual(['alerts']);
    expect(legacy.partitions('alerts')).toBe(0);
    const now = StreamCursor.parse('7.7_b_3.4') as StreamCursor;
    expect(now.missing).toEqual([]);
    const taken = legacy.taking('alerts', now);
    expect(taken.encode()).toBe('5.6_a_3.4');
    expect(taken.missing).toEqual([]);
    expect(StreamCursor.parse('0_0_zzzzzzzzzzz')).toEqual({ invalid: 'an offset is too large' });
  });
});

describe('resumePoint', () => {
  const log = (bounds: Record<string, PartitionBounds[]>) =>
    ({ bounds: async (stream: string) => bounds[stream] }) as unknown as EventLog;
  const oneEach = (start: number, end: number) =>
    log({
      'twin-events': [{ stream: 'twin-events', partition: 0, start: 0, end: 100 }],
      telemetry: [{ stream: 'telemetry', partition: 0, start, end }],
      alerts: [{ stream: 'alerts', partition: 0, start: 0, end: 10 }],
    });
  const at = StreamCursor.of([
    { stream: 'twin-events', partition: 0, offset: 100 },
    { stream: 'telemetry', partition: 0, offset: 1_000 },
    { stream: 'alerts', partition: 0, offset: 10 },
  ]);

  it('answers 410 STREAM_ID_EXPIRED for a position the log no longer holds', async () => {
    const refusal = await resumePoint('1_a_1', oneEach(500, 1_000), () => at).catch((e) => e);
    expect(refusal).toBeInstanceOf(HttpProblem);
    expect(refusal).toMatchObject({ status: 410, code: 'STREAM_ID_EXPIRED' });
  });

  it('answers 400 STREAM_ID_INVALID for another number of partitions', async () => {
    const refusal = await resumePoint('1_a.b_1', oneEach(0, 1_000), () => at).catch((e) => e);
    expect(refusal).toMatchObject({ status: 400, code: 'STREAM_ID_INVALID' });
  });

  it('takes a position inside the window without asking the log', async () => {
    const noLog = {
      bounds: () => Promise.reject(new Error('the log was asked')),
    } as unknown as EventLog;
    const windowStart = StreamCursor.parse('1_a_5') as StreamCursor;
    const cursor = await resumePoint(
      '2_b_6',
      noLog,
      () => at,
      () => windowStart,
    );
    expect(cursor.encode()).toBe('2_b_6');
    // An id from before the alerts stream: the window's alerts position, still no log read.
    const legacy = await resumePoint(
      '2_b',
      noLog,
      () => at,
      () => windowStart,
    );
    expect(legacy.encode()).toBe('2_b_5');
  });

  it('takes a position inside the log, an id from before the alerts stream too', async () => {
    const cursor = await resumePoint('1_a_3', oneEach(0, 1_000), () => at);
    expect(cursor.encode()).toBe('1_a_3');
    const windowStart = StreamCursor.parse('50_a_7') as StreamCursor;
    const legacy = await resumePoint(
      '1_a',
      oneEach(0, 1_000),
      () => at,
      () => windowStart,
    );
    expect(legacy.encode()).toBe('1_a_7');
  });

  it('takes an id ahead of this instance by transaction markers only, at once (ADR 0023)', async () => {
    // Another replica that started after two markers of twin-events/0 counts them (102); this
    // one's cursor stopped after the last event (100). The log holds no event between.
    const asked: ReplayOptions[] = [];
    const markersOnly = {
      bounds: async (stream: string) =>
        ({
          'twin-events': [{ stream: 'twin-events', partition: 0, start: 0, end: 102 }],
          telemetry: [{ stream: 'telemetry', partition: 0, start: 0, end: 1_000 }],
          alerts: [{ stream: 'alerts', partition: 0, start: 0, end: 10 }],
        })[stream],
      replay: async (options: ReplayOptions) => {
        asked.push(options);
        return { events: 0, next: options.endAt ?? [] };
      },
    } as unknown as EventLog;
    const started = Date.now();
    const cursor = await resumePoint('2u_rs_a', markersOnly, () => at);
    expect(cursor.encode()).toBe('2u_rs_a');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(asked).toEqual([
      expect.objectContaining({
        streams: ['twin-events'],
        partitions: [0],
        endAt: [{ stream: 'twin-events', partition: 0, offset: 102 }],
      }),
    ]);
    expect(
      (asked[0]!.from as { positions: LogPosition[] }).positions.find(
        (p) => p.stream === 'twin-events',
      ),
    ).toEqual({ stream: 'twin-events', partition: 0, offset: 100 });
  });

  it('answers 400 STREAM_ID_INVALID for an alerts position past the end of the log', async () => {
    const refusal = await resumePoint('1_a_b', oneEach(0, 1_000), () => at).catch((e) => e);
    expect(refusal).toMatchObject({ status: 400, code: 'STREAM_ID_INVALID' });
    expect(refusal.message).toMatch(/past the end of the log \(alerts\)/);
  });
});
