import { at, context, given } from '../testing/fixtures';
import type { TwinState } from '../twin/twin-state';
import type { IncomingReading } from './normalize-reading';
import { screenReadings, telemetryEventsFor, type ReadingVerdict } from './screen-readings';

const mill = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }]).state;
const retired = given(
  'mill-9',
  [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }],
  [{ type: 'RetireTwin', reason: 'scrapped' }],
).state;
const twins: Record<string, TwinState> = { 'mill-1': mill, 'mill-9': retired };

function screen(inputs: Array<Partial<IncomingReading>>, seen: string[] = []): ReadingVerdict[] {
  return screenReadings(
    inputs.map((i) => ({
      twinId: 'mill-1',
      property: 'temperature',
      value: 40,
      time: at(60),
      ...i,
    })),
    {
      ...context(),
      twin: (id) => twins[id],
      seen: (key) => seen.some((id) => key.endsWith(`\u0000${id}`)),
    },
  );
}
const outcome = (v: ReadingVerdict) => (v.status === 'rejected' ? v.error.code : v.status);

describe('screening a batch of incoming readings', () => {
  it('judges each reading on its own: the good ones of a mixed batch are accepted', () => {
    const verdicts = screen([
      { readingId: 'a' },
      { twinId: 'mill-404', readingId: 'b' },
      { twinId: 'mill-9', readingId: 'c' },
      { twinId: 'not a twin id!', readingId: 'd' },
      { twinId: undefined, readingId: 'e' },
      { value: Number.POSITIVE_INFINITY, readingId: 'f' },
      { property: 'power', value: 2500, unit: 'W', readingId: 'g' },
    ]);
    expect(verdicts.map(outcome)).toEqual([
      'accepted',
      'TWIN_NOT_FOUND',
      'TWIN_RETIRED',
      'TWIN_ID_INVALID',
      'TWIN_ID_INVALID',
      'VALUE_INVALID',
      'accepted',
    ]);
    expect(verdicts[6]).toMatchObject({ reading: { property: 'power', value: 2.5, unit: 'kW' } });
  });

  it('says what was wrong in plain words: Infinity (1e309) and a bad twin id, without the regex', () => {
    const [infinite, badId, proto] = screen([
      { value: Number.POSITIVE_INFINITY },
      { twinId: 'not a twin id!' },
      { twinId: '__proto__!' },
    ]);
    const message = (v: ReadingVerdict | undefined) =>
      v?.status === 'rejected' ? v.error.message : '';
    expect(message(infinite)).toMatch(/Infinity is not a finite number/);
    expect(message(infinite)).not.toMatch(/null/);
    expect(message(badId)).not.toMatch(/\^|\[A-Za-z0-9\]/);
    expect(proto).toMatchObject({ error: { details: { twinId: '__proto__!' } } });
  });

  it('refuses a fractional epoch-millisecond time instead of truncating it', () => {
    expect(screen([{ time: Date.parse(at(60)) + 0.5 }]).map(outcome)).toEqual([
      'TIMESTAMP_IMPLAUSIBLE',
    ]);
  });

  it('answers a resent reading as a duplicate, within the batch and across batches', () => {
    const verdicts = screen([{ readingId: 'a' }, { readingId: 'a' }, { readingId: 'b' }], ['b']);
    expect(verdicts.map(outcome)).toEqual(['accepted', 'duplicate', 'duplicate']);
    // Without ids, the same twin, property and time is the same reading.
    expect(screen([{}, { time: Date.parse(at(60)) }]).map(outcome)).toEqual([
      'accepted',
      'duplicate',
    ]);
  });

  it('turns accepted readings into one event per twin and chunk, timed by the newest reading', () => {
    const verdicts = screen([
      { readingId: 'a', time: at(30) },
      { readingId: 'b', time: at(90) },
      { readingId: 'c', time: at(60) },
    ]);
    const accepted = verdicts.flatMap((v) => (v.status === 'accepted' ? [v] : []));
    const events = telemetryEventsFor(accepted, 2);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ twinId: 'mill-1', event: { occurredAt: at(90) } });
    expect(
      events.map((e) => e.event.type === 'TelemetryReported' && e.event.data.readings.length),
    ).toEqual([2, 1]);
  });
});
