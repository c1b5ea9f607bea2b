import {
  plantTimeAt,
  wallTimeFor,
  type MaintenanceRecord,
  type PlantClock,
  type SimReading,
} from '@twinlog/plant-sim';
import type { RunContext } from './run-context';
import type { RunPlan } from './run-plan';

/**
 * The run's pace: takes the plant's (or the file's) samples as their plant time comes due on
 * the wall clock, into a bounded queue of readings to send, up to `maxReadings` if set.
 */
export class DueSamples {
  /** Readings taken and not yet handed to the delivery. */
  readonly queue: SimReading[] = [];

  constructor(
    private readonly run: RunContext,
    private readonly plan: RunPlan,
    private readonly clock: PlantClock,
    private readonly maxReadings: number | undefined,
    private readonly onMaintenance: (record: MaintenanceRecord) => void,
  ) {}

  /** Whether the source has nothing more to give (or the reading limit is reached). */
  exhausted(): boolean {
    const { maxReadings } = this;
    return (
      (maxReadings !== undefined && this.run.stats.generated >= maxReadings) ||
      this.plan.source.peek() === undefined
    );
  }

  /** Queues the samples due by `now`, as long as the queue holds fewer than `bound` readings. */
  fill(now: number, bound: number): void {
    const { stats } = this.run;
    const { source } = this.plan;
    const { maxReadings } = this;
    for (;;) {
      const next = source.peek();
      if (next === undefined || wallTimeFor(this.clock, next) > now || this.queue.length >= bound)
        break;
      const sample = source.take();
      let readings = sample.readings;
      if (maxReadings !== undefined) readings = readings.slice(0, maxReadings - stats.generated);
      this.queue.push(...readings);
      stats.generated += readings.length;
      stats.plantTime = new Date(sample.atMs).toISOString();
      for (const note of sample.notes) this.run.log(`${note.at} ${note.twinId}: ${note.message}`);
      for (const record of sample.maintenance) this.onMaintenance(record);
      if (maxReadings !== undefined && stats.generated >= maxReadings) break;
    }
    const next = source.peek();
    stats.behindMs = next === undefined ? 0 : Math.max(0, plantTimeAt(this.clock, now) - next);
  }

  /** How long to wait for the next sample to come due (ms, at most a second). */
  untilNextDue(now: number): number {
    const next = this.plan.source.peek();
    if (next === undefined) return 200;
    return Math.min(1_000, Math.max(1, wallTimeFor(this.clock, next) - now));
  }
}
