import { PartitionProgress } from './partition-progress';

describe('PartitionProgress', () => {
  it('restores a partition it never held from the beginning up to the first offset', () => {
    const progress = new PartitionProgress();
    expect(progress.plan(2, 140)).toEqual({ kind: 'restore', upTo: 140 });
  });

  it('is in step when the batch continues where the state ends', () => {
    const progress = new PartitionProgress();
    progress.advance(2, 150);
    expect(progress.plan(2, 150)).toEqual({ kind: 'in-step' });
  });

  it('catches up a gap that another worker judged, and skips offsets already judged', () => {
    const progress = new PartitionProgress();
    progress.advance(0, 100);
    expect(progress.plan(0, 180)).toEqual({ kind: 'catch-up', from: 100, upTo: 180 });
    expect(progress.plan(0, 90)).toEqual({ kind: 'skip', below: 100 });
  });

  it('never moves backwards, and forgets a partition on request', () => {
    const progress = new PartitionProgress();
    progress.advance(1, 50);
    progress.advance(1, 40);
    expect(progress.plan(1, 50)).toEqual({ kind: 'in-step' });
    progress.forget(1);
    expect(progress.plan(1, 50)).toEqual({ kind: 'restore', upTo: 50 });
    expect(progress.partitions).toEqual([]);
  });
});
