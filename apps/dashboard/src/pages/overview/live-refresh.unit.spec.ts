import { fetchPlan, LiveRefresh } from './live-refresh';

describe('live refresh of the overview', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches each changed twin and alert once per delay, readings of shown twins at most every few seconds', async () => {
    let now = 0;
    const flushed: Array<[string[], string[]]> = [];
    const refresh = new LiveRefresh(async (twins, alerts) => void flushed.push([twins, alerts]), {
      delayMs: 300,
      readingEveryMs: 5_000,
      now: () => now,
    });
    refresh.twinChanged('cnc-01', true, true);
    refresh.twinChanged('cnc-01', true, true);
    refresh.twinChanged('cnc-02', true, false); // not on screen: left alone
    refresh.twinChanged('cnc-03', false, false); // registered, retired, an anomaly: always
    refresh.alertChanged('al-1');
    refresh.alertChanged('al-1');
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(300);
    expect(flushed).toEqual([[['cnc-01', 'cnc-03'], ['al-1']]]);
    now = 1_000;
    refresh.twinChanged('cnc-01', true, true);
    jest.advanceTimersByTime(300);
    expect(flushed).toHaveLength(1);
    now = 5_000;
    refresh.twinChanged('cnc-01', true, true);
    jest.advanceTimersByTime(300);
    expect(flushed[1]).toEqual([['cnc-01'], []]);
    refresh.stop();
  });

  it('fetches a parent’s list when several of its children changed, else each twin (review 21 item 14)', () => {
    const parent: Record<string, string | null> = {
      'line-1': 'machining-1',
      'cnc-01': 'line-1',
      'cnc-02': 'line-1',
      'cnc-03': 'line-1',
      'cnc-01-tool': 'cnc-01',
      'machining-1': null,
    };
    expect(
      fetchPlan(
        ['cnc-01', 'cnc-02', 'cnc-03', 'cnc-01-tool', 'machining-1', 'unknown'],
        (id) => parent[id],
      ),
    ).toEqual({ parents: ['line-1'], twins: ['machining-1', 'unknown', 'cnc-01-tool'] });
    expect(fetchPlan(['cnc-01', 'cnc-02'], (id) => parent[id])).toEqual({
      parents: [],
      twins: ['cnc-01', 'cnc-02'],
    });
  });
});
