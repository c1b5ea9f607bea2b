import { Inject, Injectable } from '@nestjs/common';
import type { SimulationJobStatus, SimulationProgress } from '@twinlog/domain';
import { HttpProblem } from '@twinlog/service-kit';
import type { SimulationConfig } from '../config/simulation.config';
import { SIMULATION_CONFIG } from '../tokens';

export type JobStatus = SimulationJobStatus;

export interface Job<R = unknown> {
  id: string;
  kind: 'run' | 'compare';
  twinId: string;
  /** The twin's site: only callers of that site see the job. */
  site: string | null;
  status: JobStatus;
  progress: SimulationProgress;
  cancelRequested: boolean;
  createdAt: string;
  finishedAt: string | null;
  result: R | null;
  error: { code: string; message: string } | null;
}

/** The reason a cancelled job's run is aborted with. */
export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * The runs of this instance. Each computes on the worker pool (SimulationPool); a job holds
 * the abort signal that stops its run, so a cancel takes effect at once. Jobs live in memory:
 * finished ones are kept for a while to be fetched; the audit trail is the log
 * (SimulationRequested/Completed).
 */
@Injectable()
export class SimulationJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly aborts = new Map<string, AbortController>();

  constructor(@Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig) {}

  /**
   * Registers a running job, or refuses (503, Retry-After) when every worker is busy and the
   * queue is full: jobs computing or waiting are at most workers + SIMULATION_MAX_QUEUED.
   */
  open<R>(id: string, kind: Job['kind'], twinId: string, site: string | null, now: string): Job<R> {
    this.evict(Date.parse(now));
    const running = this.running();
    const { workers, maxQueued } = this.config.pool;
    if (running >= workers + maxQueued) {
      throw new HttpProblem(
        503,
        'SIMULATION_BUSY',
        `${running} simulations are computing or waiting, the limit of this instance (${workers} workers, ${maxQueued} queued); retry shortly`,
        { running, workers, maxQueued },
        { 'Retry-After': '5' },
      );
    }
    const job: Job<R> = {
      id,
      kind,
      twinId,
      site,
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

  /** Aborted when the job is cancelled: its runs stop at once. */
  signal(job: Job): AbortSignal {
    let controller = this.aborts.get(job.id);
    if (!controller) {
      controller = new AbortController();
      this.aborts.set(job.id, controller);
      if (job.cancelRequested) controller.abort(new JobCancelled());
    }
    return controller.signal;
  }

  finish<R>(job: Job<R>, now: string, outcome: Pick<Job<R>, 'status' | 'result' | 'error'>): void {
    Object.assign(job, outcome, { finishedAt: now, cancelRequested: false });
    this.aborts.delete(job.id);
    if (outcome.status === 'completed') job.progress = { ...job.progress, fraction: 1 };
  }

  /** The job; 404 when there is none, or when it is not `visible` to the caller. */
  get(id: string, visible: (job: Job) => boolean = () => true): Job {
    const job = this.jobs.get(id);
    if (!job || !visible(job)) {
      throw new HttpProblem(
        404,
        'SIMULATION_NOT_FOUND',
        `No simulation ${id} on this instance (finished runs are kept for ${this.config.jobs.ttlMs / 1000} s; the audit trail keeps every run's summary)`,
        { simulationId: id },
      );
    }
    return job;
  }

  /** Stops a running job: its run's worker is stopped at once, and the job ends cancelled. */
  cancel(id: string, visible: (job: Job) => boolean = () => true): Job {
    const job = this.get(id, visible);
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
    this.stop(job);
    return job;
  }

  /** Cancels a job whose caller went away (a synchronous request's client disconnected). */
  abandon(id: string): void {
    const job = this.jobs.get(id);
    if (job?.status === 'running') this.stop(job);
  }

  private stop(job: Job): void {
    job.cancelRequested = true;
    this.aborts.get(job.id)?.abort(new JobCancelled());
  }

  list(twinId?: string): Job[] {
    return [...this.jobs.values()].filter((j) => !twinId || j.twinId === twinId);
  }

  /** Asks every running job to stop (shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.status === 'running') this.stop(job);
  }

  /** Jobs computing or waiting for a worker. */
  running(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'running') n++;
    return n;
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
