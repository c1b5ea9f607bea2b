import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { bounded, type SimulationJobStatus, type SimulationProgress } from '@twinlog/domain';
import type { DocumentStore, EventLog } from '@twinlog/event-log';
import { EVENT_LOG, HttpProblem, LogUnavailableError } from '@twinlog/service-kit';
import type { SimulationConfig } from '../config/simulation.config';
import { SIMULATION_CONFIG } from '../tokens';
import { cancelKey, isLost, jobKey, jobOf, lostJob, recordOf, type JobRecord } from './job-records';

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

/** How often a running job's progress is shared, and cancel requests from other replicas read. */
export const JOB_SYNC_MS = 1000;
/** How often a running job says its replica is alive, with no progress to share. */
export const JOB_HEARTBEAT_MS = 10_000;

/**
 * The simulation jobs of every replica (issue 25, ADR 0023 item 7). A job computes on the
 * worker pool (SimulationPool) of the replica that took it, which holds the abort signal that
 * stops it. Its record (status, progress, result) is shared through the log's document store
 * (a compacted Kafka topic, or the embedded log's file): any replica answers for it, and a
 * replica's restart loses no finished result. The running replica shares progress every
 * second and a heartbeat every 10 s; a running job whose heartbeat stopped for 3 beats is
 * reported failed (SIMULATION_LOST). A cancel reaching another replica is a request in the
 * store, which the running one reads within a second. Finished jobs are kept for
 * SIMULATION_JOB_TTL_S, at most SIMULATION_MAX_KEPT_JOBS; the audit trail is the log
 * (SimulationRequested/Completed).
 */
@Injectable()
export class SimulationJobs implements OnModuleDestroy {
  private readonly logger = new Logger('SimulationJobs');
  /** This replica's name in the records it writes. */
  readonly replica = randomUUID();
  /** Jobs this replica opened, until they are finished and stored. */
  private readonly jobs = new Map<string, Job>();
  private readonly aborts = new Map<string, AbortController>();
  /** What was last stored of each local job, and when. */
  private readonly stored = new Map<string, { json: string; at: number }>();
  /** Local jobs stopped by a cancel request another replica stored (removed once they end). */
  private readonly cancelledFromElsewhere = new Set<string>();
  private readonly store: DocumentStore;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(
    @Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig,
    @Inject(EVENT_LOG) log: EventLog,
  ) {
    this.store = log.simulationJobs;
  }

  /**
   * Registers a running job, stored before it answers, or refuses (503, Retry-After) when
   * every worker of this replica is busy and its queue is full: jobs computing or waiting are
   * at most workers + SIMULATION_MAX_QUEUED.
   */
  async open<R>(
    id: string,
    kind: Job['kind'],
    twinId: string,
    site: string | null,
    now: string,
  ): Promise<Job<R>> {
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
    try {
      const record = recordOf(job as Job, this.replica, Date.now());
      await this.store.put(jobKey(id), record);
      this.stored.set(id, { json: withoutBeat(record), at: Date.now() });
    } catch (error) {
      this.jobs.delete(id);
      throw new LogUnavailableError(error);
    }
    this.startSyncing();
    void this.evict(Date.parse(now)).catch((error: unknown) =>
      this.logger.warn(`Could not remove expired simulation jobs: ${(error as Error).message}`),
    );
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

  /**
   * Ends a job and stores its outcome. A store that does not take it now is tried again every
   * second: the job stays here, and this replica answers for it, until it is stored.
   */
  async finish<R>(
    job: Job<R>,
    now: string,
    outcome: Pick<Job<R>, 'status' | 'result' | 'error'>,
  ): Promise<void> {
    Object.assign(job, outcome, { finishedAt: now, cancelRequested: false });
    this.aborts.delete(job.id);
    if (outcome.status === 'completed') job.progress = { ...job.progress, fraction: 1 };
    // A round already under way may have passed this job: then the next one stores it.
    await this.sync().catch(() => undefined);
    if (this.jobs.has(job.id)) await this.sync().catch(() => undefined);
  }

  /** The job, from whichever replica runs or ran it; 404 when there is none or it is not `visible`. */
  async get(id: string, visible: (job: Job) => boolean = () => true): Promise<Job> {
    const local = this.jobs.get(id);
    if (local) return this.visibleOr404(id, local, visible);
    const [record, cancel] = await this.read(() =>
      Promise.all([this.store.get(jobKey(id)), this.store.get(cancelKey(id))]),
    );
    return this.visibleOr404(id, this.shared(record, cancel !== undefined), visible);
  }

  /**
   * Stops a running job: at once when this replica runs it; otherwise the request is stored
   * and the running replica stops it within a second (the job answers cancelRequested).
   */
  async cancel(id: string, visible: (job: Job) => boolean = () => true): Promise<Job> {
    const job = await this.get(id, visible);
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
    if (this.jobs.has(id)) {
      this.stop(job);
      return job;
    }
    try {
      await this.store.put(cancelKey(id), { requestedAt: new Date().toISOString() });
    } catch (error) {
      throw new LogUnavailableError(error);
    }
    return { ...job, cancelRequested: true };
  }

  /** Cancels a job whose caller went away (a synchronous request's client disconnected). */
  abandon(id: string): void {
    const job = this.jobs.get(id);
    if (job?.status === 'running') this.stop(job);
  }

  /** Every replica's jobs (this one's freshest), of one twin or all. */
  async list(twinId?: string): Promise<Job[]> {
    const records = await this.read(() => this.store.all());
    const jobs = new Map<string, Job>();
    for (const [key, record] of records) {
      const id = idOfJobKey(key);
      const job = id === undefined ? undefined : this.shared(record, records.has(cancelKey(id)));
      if (job) jobs.set(job.id, job);
    }
    for (const job of this.jobs.values()) jobs.set(job.id, job);
    return [...jobs.values()].filter((j) => !twinId || j.twinId === twinId);
  }

  /** Asks every running job of this replica to stop (shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.status === 'running') this.stop(job);
  }

  /** Jobs computing or waiting for a worker on this replica. */
  running(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'running') n++;
    return n;
  }

  /** Stores what is left to store (a stop's last outcomes), then stops sharing. */
  async onModuleDestroy(): Promise<void> {
    // A round under way may have passed a job that ended since: one more round stores it.
    await this.sync().catch(() => undefined);
    if (this.jobs.size > 0)
      await this.sync().catch((error: unknown) =>
        this.logger.warn(`Simulation jobs not stored at the stop: ${(error as Error).message}`),
      );
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private stop(job: Job): void {
    job.cancelRequested = true;
    this.aborts.get(job.id)?.abort(new JobCancelled());
  }

  private visibleOr404(id: string, job: Job | undefined, visible: (job: Job) => boolean): Job {
    if (!job || !visible(job)) {
      throw new HttpProblem(
        404,
        'SIMULATION_NOT_FOUND',
        `No simulation ${bounded(id)} (finished runs are kept for ${this.config.jobs.ttlMs / 1000} s; the audit trail keeps every run's summary)`,
        { simulationId: bounded(id) },
      );
    }
    return job;
  }

  /**
   * A stored job, as the caller should see it: failed (SIMULATION_LOST) when its replica went
   * silent. Judged at each read and never written here, so that the running replica's own
   * record, whenever it comes, is the one that stays.
   */
  private shared(record: unknown, cancelRequested: boolean): Job | undefined {
    const job = jobOf(record, cancelRequested);
    if (!job) return undefined;
    const lostAfter = 3 * JOB_HEARTBEAT_MS;
    if (isLost(record as JobRecord, Date.now(), lostAfter))
      return lostJob(record as JobRecord, new Date().toISOString(), lostAfter);
    return job;
  }

  private async read<T>(reading: () => Promise<T>): Promise<T> {
    try {
      return await reading();
    } catch (error) {
      throw new LogUnavailableError(error);
    }
  }

  private startSyncing(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.sync().catch((error: unknown) =>
        this.logger.warn(`Simulation jobs not shared: ${(error as Error).message}; retrying`),
      );
    }, JOB_SYNC_MS);
    this.timer.unref();
  }

  /**
   * One round of sharing: each local job whose record changed (or whose heartbeat is due) is
   * stored; finished ones are then forgotten here; cancel requests for running ones are read.
   * Rounds never overlap.
   */
  private sync(): Promise<void> {
    this.syncing ??= this.syncRound().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncRound(): Promise<void> {
    for (const job of [...this.jobs.values()]) {
      // What is stored is decided before the write: a job that ends while it is under way is
      // stored as ended by the next round, never dropped with its running record stored.
      const now = Date.now();
      const record = recordOf(job, this.replica, now);
      const ended = record.status !== 'running';
      const json = withoutBeat(record);
      const last = this.stored.get(job.id);
      if (!last || last.json !== json || now - last.at >= JOB_HEARTBEAT_MS) {
        await this.store.put(jobKey(job.id), record);
        this.stored.set(job.id, { json, at: now });
      }
      if (ended) {
        this.jobs.delete(job.id);
        this.stored.delete(job.id);
        if (this.cancelledFromElsewhere.delete(job.id)) await this.store.delete(cancelKey(job.id));
      }
    }
    for (const job of [...this.jobs.values()]) {
      if (job.status !== 'running' || job.cancelRequested) continue;
      if ((await this.store.get(cancelKey(job.id))) === undefined) continue;
      this.cancelledFromElsewhere.add(job.id);
      this.stop(job);
    }
    if (this.jobs.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Removes finished jobs past their time, and the oldest beyond the number kept. */
  private async evict(nowMs: number): Promise<void> {
    const records = await this.store.all();
    const finished = [...records.entries()]
      .filter(([key, record]) => idOfJobKey(key) !== undefined && jobOf(record, false))
      .map(([, record]) => record as JobRecord)
      .filter((record) => record.finishedAt !== null)
      .sort((a, b) => Date.parse(a.finishedAt!) - Date.parse(b.finishedAt!));
    const expired = finished.filter(
      (record, i) =>
        nowMs - Date.parse(record.finishedAt!) > this.config.jobs.ttlMs ||
        i < finished.length - this.config.jobs.maxKept,
    );
    for (const record of expired) {
      await this.store.delete(jobKey(record.id));
      if (records.has(cancelKey(record.id))) await this.store.delete(cancelKey(record.id));
    }
  }
}

/** A record without its heartbeat: what decides whether a record changed. */
function withoutBeat(record: JobRecord): string {
  return JSON.stringify({ ...record, heartbeatAt: undefined });
}

function idOfJobKey(key: string): string | undefined {
  return key.startsWith('job:') ? key.slice('job:'.length) : undefined;
}
