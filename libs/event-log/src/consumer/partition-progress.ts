/**
 * For stateful consumers in a group (the anomaly and maintenance workers): what a worker must
 * do before handling a batch of one partition, so that its state is exactly what one worker
 * that saw the whole partition would have:
 * - `restore`: it never held this partition (start-up, or a partition it was just given):
 *   replay the partition from its beginning up to the batch, judging nothing;
 * - `catch-up`: it held the partition before, but another worker judged the offsets in
 *   between (a rebalance moved it away and back): replay just that gap, judging nothing;
 * - `skip`: the batch starts with offsets it has already judged (a redelivery after a commit
 *   that did not happen): those are dropped, their findings are in the log already.
 * Everything the detectors learn comes from the log in partition order, so the outcome is the
 * same whichever worker judged which part.
 */
export type PartitionPlan =
  | { kind: 'in-step' }
  | { kind: 'restore'; upTo: number }
  | { kind: 'catch-up'; from: number; upTo: number }
  | { kind: 'skip'; below: number };

export class PartitionProgress {
  /** Per partition: the next offset this worker's state expects. */
  private readonly next = new Map<number, number>();

  plan(partition: number, firstOffset: number): PartitionPlan {
    const expected = this.next.get(partition);
    if (expected === undefined) return { kind: 'restore', upTo: firstOffset };
    if (firstOffset > expected) return { kind: 'catch-up', from: expected, upTo: firstOffset };
    if (firstOffset < expected) return { kind: 'skip', below: expected };
    return { kind: 'in-step' };
  }

  /** The state now covers every offset below `next` of this partition. */
  advance(partition: number, next: number): void {
    this.next.set(partition, Math.max(next, this.next.get(partition) ?? 0));
  }

  /** Forget a partition (its twins' state was dropped). */
  forget(partition: number): void {
    this.next.delete(partition);
  }

  get partitions(): number[] {
    return [...this.next.keys()].sort((a, b) => a - b);
  }
}
