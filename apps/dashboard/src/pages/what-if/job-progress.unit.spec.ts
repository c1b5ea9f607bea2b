import { followJob, progressDelayMs } from './job-progress';

type Job = { status: 'running' | 'done'; progress: number };

describe('following a what-if run’s progress (review 21 item 19)', () => {
  it('asks ever less often: 0.5 s doubling up to 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(progressDelayMs)).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
    // A five-minute run: about 65 asks, where every 500 ms made 600.
    let waited = 0;
    let asks = 0;
    while (waited < 300_000) waited += progressDelayMs(asks++);
    expect(asks).toBeLessThan(70);
  });

  it('stops asking when the run ends, and when the page leaves', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let asked = 0;
    const done = await followJob<Job>(
      { status: 'running', progress: 0 },
      async () => ({ status: ++asked < 3 ? 'running' : 'done', progress: asked }),
      () => undefined,
      new AbortController().signal,
      sleep,
    );
    expect(done).toEqual({ status: 'done', progress: 3 });
    expect(waits).toEqual([500, 1_000, 2_000]);

    const leave = new AbortController();
    let asks = 0;
    const left = await followJob<Job>(
      { status: 'running', progress: 0 },
      async () => {
        if (++asks === 2) leave.abort();
        return { status: 'running', progress: asks };
      },
      () => undefined,
      leave.signal,
      async () => undefined,
    );
    expect(left).toBeUndefined();
    expect(asks).toBe(2);
  });
});
