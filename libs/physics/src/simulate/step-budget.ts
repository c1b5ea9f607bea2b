import { TwinlogError } from '@twinlog/domain';

/**
 * The integration steps one run may take, over its nominal run, its recommendations' probes and
 * its Monte Carlo samples together. An explicit integrator needs about one step per hour of
 * horizon on the CNC model's thermal time constant, so the horizon alone does not bound the
 * work; this does, with a reason the caller can act on.
 */
export class StepBudget {
  private left: number;

  constructor(readonly limit: number) {
    this.left = limit;
  }

  spend(): void {
    if (--this.left >= 0) return;
    throw new TwinlogError(
      'SIMULATION_TOO_COSTLY',
      `The run needed more than ${this.limit.toLocaleString('en-US')} integration steps (the model's fast dynamics over a long horizon, or many samples): shorten the horizon or take fewer samples`,
      { maxIntegratorSteps: this.limit },
    );
  }
}

/** No limit: tests, benchmarks and the CLI's local runs. */
export const UNLIMITED = new StepBudget(Number.POSITIVE_INFINITY);
