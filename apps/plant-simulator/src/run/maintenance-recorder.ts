import type { MaintenanceRecord } from '@twinlog/plant-sim';
import type { TwinStateClient } from '../twin-state/twin-state-client';
import type { RunContext } from './run-context';

/**
 * Records the plant's maintenance (tool changes) with twin-state, one record at a time in the
 * order the plant did them, retrying while twin-state is away; a refusal is counted, not fatal.
 */
export class MaintenanceRecorder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: RunContext,
    private readonly client: TwinStateClient,
  ) {}

  record(record: MaintenanceRecord): void {
    const { stats } = this.run;
    this.chain = this.chain.then(async () => {
      try {
        const result = await this.run.retrying(() => this.client.recordMaintenance(record));
        if (result.done) stats.maintenanceRecorded++;
        else stats.maintenanceFailed++;
      } catch (error) {
        stats.maintenanceFailed++;
        this.run.log(`maintenance not recorded: ${(error as Error).message}`);
      }
    });
  }

  /** Settles once every record handed over so far is recorded or given up on. */
  settled(): Promise<void> {
    return this.chain;
  }
}
