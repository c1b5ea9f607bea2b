import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { SimulationProgress } from '@twinlog/physics';
import { HttpProblem } from '@twinlog/service-kit';
import type { SimulationConfig } from '../config/simulation.config';
import { SIMULATION_CONFIG } from '../tokens';

export type JobStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface Job<R = unknown> {
  id: string;
  kind: 'run' | 'compare';
  twinId: string;
  status: JobStatus;
  progress: SimulationProgress;
  cancelRequested: boolean;
  createdAt: string;
  finishedAt: string | null;
  result: R | null;
  error: { code: string; message: string } | null;
}

/** Thrown into a run's driver when its job was cancelled. */
export class JobCancelled extends Error {
  constructor(readonly progress: number) {
    super('cancelled');
  }
}

/**
 * The runs of this instance: each drives a pure simulation generator in time slices, letting
 * other requests in between, so one long Monte Carlo neither blocks the service nor hides its
 * progress, and a cancel takes effect within a slice. Jobs live in memory: finished ones are
 * kept for a while to be fetched; the audit trail is the log (SimulationRequested/Completed).
 */
@Injectable()
export class SimulationJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(@Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig) {}

  /** Registers a running job, or refuses (503) when the instance is at its limit. */
  open<R>(id: string, kind: Job['kind'], twinId: string, now: string): Job<R> {
    this.evict(Date.parse(now));
    const running = [...this.jobs.values()].filter((j) => j.status === 'running').length;
    if (running >= this.config.jobs.maxRunning) {
      throw new HttpProblem(
        503,
        'SIMULATION_BUSY',
        `${running} simulations are running, the limit of this instance; retry shortly`,
        { running },
        { 'Retry-After': '5' },
      );
    }
    const job: Job<R> = {
      id,
      kind,
      twinId,
      status: 'running',
      progress: { phase: 'calibrating', fraction: 0 },
      cancelRequested: false,
      createdAt: now,
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(id, job as Job);
    return job;
  }

  /** Runs the generator to its end in slices; throws JobCancelled when cancelled meanwhile. */
  async drive<R>(job: Job, steps: Generator<SimulationProgress, R, void>): Promise<R> {
    const { sliceMs } = this.config.jobs;
    for (;;) {
      const sliceEnd = performance.now() + sliceMs;
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        job.progress = step.value;
        if (performance.now() >= sliceEnd) break;
      }
      await nextTurn();
      if (job.cancelRequested) {
        steps.return(undefined as R);
        throw new JobCancelled(job.progress.fraction);
      }
    }
  }

  finish<R>(job: Job<R>, now: string, outcome: Pick<Job<R>, 'status' | 'result' | 'error'>): void {
    Object.assign(job, outcome, { finishedAt: now, cancelRequested: false });
    if (outcome.status === 'completed') job.progress = { ...job.progress, fraction: 1 };
  }

  get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) {
      throw new HttpProblem(
        404,
        'SIMULATION_NOT_FOUND',
        `No simulation ${id} on this instance (finished runs are kept for ${this.config.jobs.ttlMs / 1000} s; the audit trail keeps every run's summary)`,
        { simulationId: id },
      );
    }
    return job;
  }

  /** Asks a running job to stop; it does so at the end of its current slice. */
  cancel(id: string): Job {
    const job = this.get(id);
    if (job.status !== 'running') {
      throw new HttpProblem(
        409,
        'SIMULATION_FINISHED',
        `Simulation ${id} is already ${job.status}`,
        {
          simulationId: id,
          status: job.status,
        },
      );
    }
    job.cancelRequested = true;
    return job;
  }

  list(twinId?: string): Job[] {
    return [...this.jobs.values()].filter((j) => !twinId || j.twinId === twinId);
  }

  /** Asks every running job to stop (shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.status === 'running') job.cancelRequested = true;
  }

  running(): number {
    return [...this.jobs.values()].filter((j) => j.status === 'running').length;
  }

  private evict(nowMs: number): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const job of finished) {
      if (nowMs - Date.parse(job.finishedAt!) > this.config.jobs.ttlMs) this.jobs.delete(job.id);
    }
    const kept = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const job of kept.slice(0, Math.max(0, kept.length - this.config.jobs.maxKept))) {
      this.jobs.delete(job.id);
    }
  }
}
