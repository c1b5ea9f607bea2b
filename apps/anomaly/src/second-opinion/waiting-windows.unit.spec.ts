import { WaitingWindows, type DropReason } from './waiting-windows';

const job = (twinId: string, to: number) => ({ twinId, window: { to } });

function queue(capacity: number) {
  const dropped: Array<[string, number, DropReason]> = [];
  const q = new WaitingWindows<ReturnType<typeof job>>(capacity, (j, why) =>
    dropped.push([j.twinId, j.window.to, why]),
  );
  const takeAll = () => {
    const taken: string[] = [];
    for (let j = q.take(); j; j = q.take()) taken.push(`${j.twinId}@${j.window.to}`);
    return taken;
  };
  return { q, dropped, takeAll };
}

describe('WaitingWindows', () => {
  it('takes a window of the twin asked longest ago first, then the one that waited longest', () => {
    const { q, takeAll } = queue(10);
    q.add(job('a', 1));
    expect(q.take()).toEqual(job('a', 1));
    q.add(job('a', 2));
    q.add(job('b', 2));
    q.add(job('c', 2));
    // a was asked: b and c (never asked) go first, in the order they came.
    expect(takeAll()).toEqual(['b@2', 'c@2', 'a@2']);
    q.add(job('c', 3));
    q.add(job('b', 3));
    q.add(job('a', 3));
    // Now b was asked longest ago, then c, then a.
    expect(takeAll()).toEqual(['b@3', 'c@3', 'a@3']);
  });

  it('when full, turns away the window last in turn: the new one, or a waiting one of a twin asked more recently', () => {
    const { q, dropped, takeAll } = queue(2);
    q.add(job('a', 1));
    q.take();
    q.add(job('a', 2));
    q.add(job('b', 2));
    // c was never asked: a's waiting window (a was just asked) leaves for it.
    q.add(job('c', 2));
    expect(dropped).toEqual([['a', 2, 'queue-full']]);
    // d was never asked either, but b and c waited longer: d is turned away.
    q.add(job('d', 2));
    expect(dropped).toEqual([
      ['a', 2, 'queue-full'],
      ['d', 2, 'queue-full'],
    ]);
    expect(takeAll()).toEqual(['b@2', 'c@2']);
  });

  it('drops windows that end too early, as stale or as held by the limit, and forgets twins', () => {
    const { q, dropped } = queue(10);
    q.add(job('a', 1));
    q.heldByLimit();
    q.add(job('b', 1));
    q.add(job('c', 5));
    q.dropEndingBefore(() => 2);
    expect(dropped).toEqual([
      ['b', 1, 'stale'],
      ['a', 1, 'stale-after-limit'],
    ]);
    q.forget(new Set(['c']));
    expect(q.size).toBe(0);
  });
});
