import { RecentReadingIds } from './recent-reading-ids';

describe('the de-duplication window', () => {
  it('remembers the newest ids up to its capacity and forgets the oldest first', () => {
    const recent = new RecentReadingIds(3);
    ['a', 'b', 'c'].forEach((id) => recent.add(id));
    recent.add('a'); // already there: not a newer entry
    recent.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).toEqual([false, true, true, true]);
  });

  it('forgets an id on request, and a window of 0 remembers nothing', () => {
    const recent = new RecentReadingIds(2);
    recent.add('a');
    recent.delete('a');
    expect(recent.has('a')).toBe(false);
    recent.add('b');
    recent.add('c');
    expect(recent.has('b') && recent.has('c')).toBe(true);
    const none = new RecentReadingIds(0);
    none.add('a');
    expect(none.has('a')).toBe(false);
  });
});
