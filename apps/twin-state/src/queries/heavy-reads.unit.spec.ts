import { HeavyReads } from './heavy-reads';

/** A read that runs until released, recording that it ran. */
function blocker(ran: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const read = async () => {
    ran.push(name);
    await done;
  };
  return { read, release };
}

describe('heavy reads', () => {
  it('drops a waiting read whose caller went away: it never runs and frees its place', async () => {
    const reads = new HeavyReads(1, 1, 'reads');
    const ran: string[] = [];
    const first = blocker(ran, 'first');
    const running = reads.run(first.read);
    const gone = new AbortController();
    const waiting = reads.run(async () => void ran.push('abandoned'), gone.signal);
    // The queue (one place) is full: a third caller is refused.
    await expect(reads.run(async () => undefined)).rejects.toMatchObject({ code: 'BUSY' });
    gone.abort(new Error('aborted'));
    await expect(waiting).rejects.toThrow('aborted');
    // Its place is free again, and it never ran.
    const next = reads.run(async () => void ran.push('next'));
    first.release();
    await Promise.all([running, next]);
    expect(ran).toEqual(['first', 'next']);
  });

  it('does not start a read for a caller already gone', async () => {
    const reads = new HeavyReads(2, 2, 'reads');
    const gone = AbortSignal.abort(new Error('aborted'));
    let ran = false;
    await expect(reads.run(async () => void (ran = true), gone)).rejects.toThrow('aborted');
    expect(ran).toBe(false);
    await expect(reads.run(async () => 7)).resolves.toBe(7);
  });
});
