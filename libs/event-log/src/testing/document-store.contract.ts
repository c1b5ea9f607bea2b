import { using, type OpenLog } from './access-key.contract';

/** The DocumentStore cases of the EventLog contract, on the simulation jobs' store. */
export function documentStoreCases(
  it: (title: string, fn: () => Promise<void>) => void,
  open: OpenLog,
) {
  it('keeps the latest document per key, and forgets a deleted one', async () => {
    const log = await open();
    await using([log], async () => {
      const jobs = log.simulationJobs;
      expect(await jobs.all()).toEqual(new Map());
      await jobs.put('a', { status: 'running', fraction: 0.1 });
      await jobs.put('b', { status: 'running' });
      await jobs.put('a', { status: 'completed', fraction: 1 });
      expect(await jobs.all()).toEqual(
        new Map<string, unknown>([
          ['a', { status: 'completed', fraction: 1 }],
          ['b', { status: 'running' }],
        ]),
      );
      expect(await jobs.get('a')).toEqual({ status: 'completed', fraction: 1 });
      await jobs.delete('b');
      await jobs.delete('never-there');
      expect([...(await jobs.all()).keys()]).toEqual(['a']);
      expect(await jobs.get('b')).toBeUndefined();
      await expect(jobs.put('c', null)).rejects.toThrow(/null is not a document/);
    });
  });

  it('keeps a document larger than a Kafka record whole, and a smaller one put over it', async () => {
    const log = await open();
    await using([log], async () => {
      // About 2.6 MB of JSON: several parts on Kafka (the broker takes 1 MB per batch).
      const big = { points: Array.from({ length: 200_000 }, (_, i) => [i, Math.sin(i) * 1e3]) };
      await log.simulationJobs.put('run-1', big);
      expect(await log.simulationJobs.get('run-1')).toEqual(big);
      // Another large version over it: its parts never mix with the first one's.
      const bigger = { ...big, points: big.points.map(([i, v]) => [i, v! + 1]) };
      await log.simulationJobs.put('run-1', bigger);
      expect(await log.simulationJobs.get('run-1')).toEqual(bigger);
      await log.simulationJobs.put('run-1', { small: true });
      expect((await log.simulationJobs.all()).get('run-1')).toEqual({ small: true });
    });
  });

  it('shows what another instance put or deleted at once, and all of it to an instance started later', async () => {
    const first = await open();
    const second = await open(first);
    await using([first, second], async () => {
      expect(await second.simulationJobs.all()).toEqual(new Map());
      await first.simulationJobs.put('job-1', { status: 'running' });
      expect((await second.simulationJobs.all()).get('job-1')).toEqual({ status: 'running' });
      await second.simulationJobs.put('job-1', { status: 'cancelled' });
      await second.simulationJobs.put('job-2', { status: 'completed' });
      await first.simulationJobs.delete('job-2');
      expect(await second.simulationJobs.all()).toEqual(
        new Map([['job-1', { status: 'cancelled' }]]),
      );
      await first.simulationJobs.put('big', {
        points: Array.from({ length: 60_000 }, (_, i) => i),
      });
      const third = await open(first);
      await using([third], async () => {
        expect([...(await third.simulationJobs.all()).keys()].sort()).toEqual(['big', 'job-1']);
        expect(await third.simulationJobs.get('job-1')).toEqual({ status: 'cancelled' });
        expect(
          ((await third.simulationJobs.get('big')) as { points: number[] }).points,
        ).toHaveLength(60_000);
      });
    });
  });
}
