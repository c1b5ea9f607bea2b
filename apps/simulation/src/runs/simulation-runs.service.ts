import { randomUUID } from 'node:crypto';
import { bounded, TwinlogError } from '@twinlog/domain';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  checkAgainstModel,
  compareResults,
  parseScenario,
  physicsModelFor,
  summaryOf,
  type Comparison,
  type SimulationProgress,
  type SimulationResult,
} from '@twinlog/physics';
import type { SimulationConfig } from '../config/simulation.config';
import { JobCancelled, SimulationJobs, type Job } from '../jobs/simulation-jobs';
import { SimulationPool } from '../pool/simulation-pool';
import { TwinSubjects } from '../subject/twin-subjects.service';
import { SIMULATION_CONFIG } from '../tokens';
import { answerable, describe } from './job-error';
import { now, requestOf, startOf, withField, workOf, type Side } from './run-inputs';
import { RunRecorder, type RunMeta } from './run-recorder';

export type RunResult = SimulationResult & { simulationId: string };
export interface CompareResult {
  comparisonId: string;
  base: RunResult;
  alternative: RunResult;
  comparison: Comparison;
}

export interface Started<R> {
  job: Job<R>;
  /** Points × samples: what decides between answering at once and a job. */
  work: number;
  /** Settles when the job has finished (and been recorded); never rejects. */
  done: Promise<void>;
}

/**
 * A what-if run from request to record: validate the scenario, gather the twin's state at the
 * start, record the request, compute (as a job, on the worker pool), record the outcome. A comparison
 * is two such runs of one twin, recorded with a shared comparison id.
 */
@Injectable()
export class SimulationRuns {
  private readonly logger = new Logger('Simulation');

  constructor(
    private readonly subjects: TwinSubjects,
    private readonly jobs: SimulationJobs,
    private readonly pool: SimulationPool,
    private readonly recorder: RunRecorder,
    @Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig,
  ) {}

  async run(
    twinId: string,
    at: string | undefined,
    input: unknown,
    meta: RunMeta,
  ): Promise<Started<RunResult>> {
    const side = await this.prepare(twinId, at, startOf(at), input, 'scenario', meta);
    const job = await this.jobs.open<RunResult>(
      side.simulationId,
      'run',
      twinId,
      side.loaded.state.site,
      now(),
    );
    await this.recordRequests(job, [side], null, at !== undefined, meta);
    const done = this.execute(job, [side], meta, async ([result]) => result!);
    return { job, work: workOf(side.scenario), done };
  }

  async compare(
    twinId: string,
    at: string | undefined,
    base: unknown,
    alternative: unknown,
    meta: RunMeta,
  ): Promise<Started<CompareResult>> {
    // Both sides start from the same instant, so they differ only by their scenarios.
    const startAt = startOf(at);
    const sides = [
      await this.prepare(twinId, at, startAt, base, 'base', meta),
      await this.prepare(twinId, at, startAt, alternative, 'alternative', meta),
    ];
    const comparisonId = randomUUID();
    const site = sides[0]!.loaded.state.site;
    const job = await this.jobs.open<CompareResult>(comparisonId, 'compare', twinId, site, now());
    await this.recordRequests(job, sides, comparisonId, at !== undefined, meta);
    const done = this.execute(job, sides, meta, async ([a, b]) => ({
      comparisonId,
      base: a!,
      alternative: b!,
      comparison: compareResults(a!, b!),
    }));
    return { job, work: sides.reduce((sum, s) => sum + workOf(s.scenario), 0), done };
  }

  /** Everything that can be refused before anything is recorded. */
  private async prepare(
    twinId: string,
    at: string | undefined,
    startAt: string,
    input: unknown,
    field: string,
    meta: RunMeta,
  ): Promise<Side> {
    const scenario = withField(field, () => parseScenario(input, this.config.limits));
    // A twin of a site the caller cannot see answers as no twin at all, before anything of it
    // (retired, not yet registered then) can show.
    if (meta.sites) {
      const site = await this.subjects.siteOf(twinId);
      if (site === undefined || !meta.sites(site)) {
        throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(twinId)} is not registered`, {
          twinId: bounded(twinId),
        });
      }
    }
    const loaded = await this.subjects.load(
      twinId,
      startAt,
      at !== undefined,
      scenario.calibrationWindowSeconds,
    );
    withField(field, () => checkAgainstModel(scenario, physicsModelFor(loaded.model.type)));
    return { simulationId: randomUUID(), scenario, loaded };
  }

  private async recordRequests(
    job: Job,
    sides: Side[],
    comparisonId: string | null,
    timeTravel: boolean,
    meta: RunMeta,
  ): Promise<void> {
    try {
      for (const side of sides) {
        await this.recorder.requested(
          job.twinId,
          requestOf(side, comparisonId, timeTravel, meta.ask),
          meta,
          now(),
        );
      }
    } catch (error) {
      await this.jobs.finish(job, now(), {
        status: 'failed',
        result: null,
        error: describe(error),
      });
      throw error;
    }
  }

  /** Computes each side in turn, recording each outcome; the job ends completed, cancelled or failed. */
  private async execute<R>(
    job: Job<R>,
    sides: Side[],
    meta: RunMeta,
    combine: (results: RunResult[]) => Promise<R>,
  ): Promise<void> {
    const results: RunResult[] = [];
    const signal = this.jobs.signal(job);
    const options = { maxIntegratorSteps: this.config.maxIntegratorSteps };
    try {
      for (const [i, side] of sides.entries()) {
        // Each side's progress fills its share of the job's.
        const onProgress = (p: SimulationProgress) => {
          job.progress = { phase: p.phase, fraction: (i + p.fraction) / sides.length };
        };
        const computed = await this.pool.run(
          { subject: side.loaded.subject, scenario: side.scenario, options },
          onProgress,
          signal,
        );
        const result = { simulationId: side.simulationId, ...computed };
        await this.recorder.completed(
          job.twinId,
          summaryOf(side.simulationId, result),
          meta,
          now(),
        );
        results.push(result);
      }
      await this.jobs.finish(job, now(), {
        status: 'completed',
        result: await combine(results),
        error: null,
      });
    } catch (error) {
      const open = sides.slice(results.length);
      try {
        for (const side of open) {
          if (error instanceof JobCancelled) {
            await this.recorder.cancelled(
              job.twinId,
              side.simulationId,
              job.progress.fraction,
              meta,
              now(),
            );
          } else {
            const { code, message } = describe(error);
            await this.recorder.failed(job.twinId, side.simulationId, code, message, meta, now());
          }
        }
      } catch (recording) {
        this.logger.error(
          `Could not record the end of simulation ${job.id}: ${(recording as Error).message}`,
        );
      }
      if (error instanceof JobCancelled) {
        await this.jobs.finish(job, now(), { status: 'cancelled', result: null, error: null });
      } else {
        if (!answerable(error)) this.logger.error((error as Error).stack ?? String(error));
        await this.jobs.finish(job, now(), {
          status: 'failed',
          result: null,
          error: describe(error),
        });
      }
    }
  }
}
