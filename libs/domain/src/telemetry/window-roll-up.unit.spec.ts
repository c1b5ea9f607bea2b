import { rollUpWindows, type MemberWindow } from './window-roll-up';

const w = (start: string, mean: number, min: number, max: number, count = 2): MemberWindow => ({
  start: `2026-11-01T00:${start}:00.000Z`,
  mean,
  min,
  max,
  count,
});

describe('roll-up over time', () => {
  const millA = [w('00', 6, 5, 7), w('15', 6.5, 6, 7, 3)];
  const millB = [w('00', 9.5, 9, 10), w('30', 4, 4, 4, 1)];

  it('sums the members’ window means (a line’s total power), saying who contributed', () => {
    expect(rollUpWindows('sum', [millA, millB])).toEqual([
      { start: '2026-11-01T00:00:00.000Z', value: 15.5, members: 2, points: 4 },
      { start: '2026-11-01T00:15:00.000Z', value: 6.5, members: 1, points: 3 },
      { start: '2026-11-01T00:30:00.000Z', value: 4, members: 1, points: 1 },
    ]);
  });

  it('averages the members’ means, each member weighing the same', () => {
    expect(rollUpWindows('mean', [millA, millB])[0]!.value).toBe(7.75);
  });

  it('takes the least minimum and the greatest maximum of any member', () => {
    expect(rollUpWindows('min', [millA, millB]).map((r) => r.value)).toEqual([5, 6, 4]);
    expect(rollUpWindows('max', [millA, millB]).map((r) => r.value)).toEqual([10, 7, 4]);
  });

  it('rounds sums like a mean, and answers nothing without members', () => {
    expect(rollUpWindows('sum', [[w('00', 0.1, 0, 0)], [w('00', 0.2, 0, 0)]])[0]!.value).toBe(0.3);
    expect(rollUpWindows('sum', [])).toEqual([]);
    expect(rollUpWindows('max', [[], []])).toEqual([]);
  });
});
