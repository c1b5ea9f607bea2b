import type { TwinRegistration } from '@twinlog/plant-sim';
import type { TwinStateClient } from '../twin-state/twin-state-client';
import { DEFAULTS } from './simulator-options';
import type { RunContext } from './run-context';

/**
 * Registers the plant's twins with twin-state before the run sends readings (one already
 * registered alike is fine), and remembers which: ingestion may answer TWIN_NOT_FOUND for a
 * twin registered a moment ago, which is then sent again during a grace period, not counted.
 */
export class PlantRegistration {
  private readonly registered = new Set<string>();
  private graceUntilMs = 0;

  constructor(
    private readonly run: RunContext,
    private readonly client: TwinStateClient,
  ) {}

  /** Registers each twin, retrying while twin-state is away; returns early if the run gives up. */
  async registerAll(twins: readonly TwinRegistration[]): Promise<void> {
    const { stats } = this.run;
    for (const twin of twins) {
      const result = await this.run.retrying(() => this.client.register(twin));
      if (!result.done) return;
      this.registered.add(twin.twinId);
      if (result.value === 'registered') stats.registered++;
      else stats.alreadyRegistered++;
      if (result.value === 'unparented')
        this.run.log(
          `${twin.twinId} was registered before ${twin.parentId} existed and stays at the top of its tree: ` +
            `${twin.parentId} shows no figures for it (a fresh data directory or another --site puts it under ${twin.parentId})`,
        );
    }
    this.graceUntilMs = Date.now() + DEFAULTS.registrationGraceMs;
    this.run.log(
      `registered ${stats.registered} twins (${stats.alreadyRegistered} were already) with ${this.client.name}`,
    );
  }

  /** Whether a TWIN_NOT_FOUND for this twin at `nowMs` is ingestion not knowing it yet. */
  justRegistered(twinId: string, nowMs: number): boolean {
    return nowMs < this.graceUntilMs && this.registered.has(twinId);
  }
}
