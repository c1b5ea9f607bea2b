import { DecisionQueue } from './decision-queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the decision queue', () => {
  it('runs one job at a time, in the order queued, even when an earlier one waits', async () => {
    const queue = new DecisionQueue();
    const steps: string[] = [];
    const job = (name: string, ms: number) => async () => {
      steps.push(`${name} starts`);
      await sleep(ms);
      steps.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([
      queue.run(job('a', 30)),
      queue.run(job('b', 0)),
      queue.run(job('c', 10)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(steps).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });

  it('fails only the job that failed', async () => {
    const queue = new DecisionQueue();
    const failed = queue.run(async () => {
      throw new Error('refused');
    });
    const next = queue.run(async () => 'still runs');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('still runs');
    await queue.drained();
    expect(queue.depth).toBe(0);
  });
});
