import { PartitionProgress } from './partition-progress';

describe('partition progress of the prediction worker', () => {
  it('restores an unknown partition, catches up a gap, skips what it has seen, is in step otherwise', () => {
    const progress = new PartitionProgress();
    expect(progress.plan(1, 40)).toEqual({ kind: 'restore', upTo: 40 });
    progress.advance(1, 50);
    expect(progress.plan(1, 50)).toEqual({ kind: 'in-step' });
    expect(progress.plan(1, 70)).toEqual({ kind: 'catch-up', from: 50, upTo: 70 });
    expect(progress.plan(1, 45)).toEqual({ kind: 'skip', below: 50 });
    progress.advance(1, 30);
    expect(progress.plan(1, 50)).toEqual({ kind: 'in-step' });
    progress.forget(1);
    expect(progress.partitions).toEqual([]);
  });
});
