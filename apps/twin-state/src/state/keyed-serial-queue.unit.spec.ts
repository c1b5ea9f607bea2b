import { KeyedSerialQueue } from './keyed-serial-queue';

/** A task that records when it starts and ends and finishes when told. */
function gate(log: string[], name: string) {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    open = () => resolve(name);
    fail = reject;
  });
  const work = async () => {
    log.push(`${name} start`);
    try {
      return await done;
    } finally {
      log.push(`${name} end`);
    }
  };
  return { work, open, fail };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('a keyed serial queue', () => {
  it('runs one key’s work one at a time in arrival order, other keys side by side', async () => {
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    const results = [q.run('a', a1.work), q.run('a', a2.work), q.run('b', b1.work)];
    await settle();
    expect(log).toEqual(['a1 start', 'b1 start']);
    a2.open(); // done before its turn: still waits for a1
    await settle();
    expect(log).toEqual(['a1 start', 'b1 start']);
    a1.open();
    b1.open();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1 end')).toBeLessThan(log.indexOf('a2 start'));
  });

  it('a failure is its caller’s alone: the next task runs, and the key is forgotten when idle', async () => {
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const [a1, a2] = [gate(log, 'a1'), gate(log, 'a2')];
    const first = q.run('a', a1.work);
    const second = q.run('a', a2.work);
    expect(q.size).toBe(1);
    a1.fail(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    a2.open();
    await expect(second).resolves.toBe('a2');
    await settle();
    expect(q.size).toBe(0);
    // Object built-in names are keys like any other.
    await expect(q.run('__proto__', async () => 1)).resolves.toBe(1);
    await settle();
    expect(q.size).toBe(0);
  });

  it('runAll holds every key: work on any of them waits, others do not', async () => {
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const [both, onB, onC] = [gate(log, 'both'), gate(log, 'onB'), gate(log, 'onC')];
    const all = q.runAll(['a', 'b'], both.work);
    await settle();
    const b = q.run('b', onB.work);
    const c = q.run('c', onC.work);
    await settle();
    expect(log).toEqual(['both start', 'onC start']);
    both.open();
    onB.open();
    onC.open();
    await Promise.all([all, b, c]);
    expect(log.indexOf('both end')).toBeLessThan(log.indexOf('onB start'));
  });
});
