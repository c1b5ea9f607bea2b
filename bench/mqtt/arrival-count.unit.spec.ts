import { ArrivalCount } from './arrival-count';

describe('ArrivalCount', () => {
  it('says every reading arrived exactly once only when it did', () => {
    const count = new ArrivalCount('r1', 3);
    for (const n of [2, 0, 1]) count.record(`r1-${n}`, 'a');
    expect(count).toMatchObject({ unique: 3, duplicates: 0, foreign: 0, missing: 0 });
    expect(count.exactlyOnce).toBe(true);
  });

  it('counts a reading that arrived twice as a duplicate, not as a new one', () => {
    const count = new ArrivalCount('r1', 2);
    count.record('r1-0');
    count.record('r1-0');
    expect(count).toMatchObject({ unique: 1, duplicates: 1, missing: 1 });
    expect(count.firstMissing()).toEqual([1]);
    expect(count.exactlyOnce).toBe(false);
  });

  it("sets apart ids that are not this run's, out of range or garbled", () => {
    const count = new ArrivalCount('r1', 2);
    for (const id of ['r2-0', 'r1-2', 'r1--1', 'r1-0.5', 'r1-', 'r10-1', 42, undefined])
      count.record(id);
    expect(count).toMatchObject({ unique: 0, foreign: 8, missing: 2 });
    expect(count.exactlyOnce).toBe(false);
  });

  it('splits the arrivals by source, largest first', () => {
    const count = new ArrivalCount('r', 5);
    ['a', 'b', 'b', 'a', 'b'].forEach((source, n) => count.record(`r-${n}`, source));
    expect(count.shares()).toEqual([
      { source: 'b', count: 3 },
      { source: 'a', count: 2 },
    ]);
  });
});
