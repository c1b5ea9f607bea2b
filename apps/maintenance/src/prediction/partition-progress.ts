/**
 * What a worker must do before predicting from a batch of one telemetry partition, so that its
 * health models are exactly what one worker that saw the whole partition would hold:
 * - `restore`: it never held this partition (start-up, or just given it): replay the partition
 *   from its beginning up to the batch, predicting nothing;
 * - `catch-up`: it held it before, but another worker handled the offsets in between: replay
 *   that gap, predicting nothing (the other worker's predictions are in the log);
 * - `skip`: the batch starts with offsets it has handled (a redelivery after a lost commit).
 * (The anomaly service keeps the same bookkeeping for its detectors.)
 */
export type PartitionPlan =
  | { kind: 'in-step' }
  | { kind: 'restore'; upTo: number }
  | { kind: 'catch-up'; from: number; upTo: number }
  | { kind: 'skip'; below: number };

export class PartitionProgress {
  /** Per partition: the next offset the models expect. */
  private readonly next = new Map<number, number>();

  plan(partition: number, firstOffset: number): PartitionPlan {
    const expected = this.next.get(partition);
    if (expected === undefined) return { kind: 'restore', upTo: firstOffset };
    if (firstOffset > expected) return { kind: 'catch-up', from: expected, upTo: firstOffset };
    if (firstOffset < expected) return { kind: 'skip', below: expected };
    return { kind: 'in-step' };
  }

  advance(partition: number, next: number): void {
    this.next.set(partition, Math.max(next, this.next.get(partition) ?? 0));
  }

  forget(partition: number): void {
    this.next.delete(partition);
  }

  get partitions(): number[] {
    return [...this.next.keys()].sort((a, b) => a - b);
  }
}
