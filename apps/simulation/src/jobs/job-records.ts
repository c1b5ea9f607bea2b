import type { Job } from './simulation-jobs';

/**
 * A job as stored for every replica to read: the job without its cancel flag (a request from
 * another replica is a document of its own, so the running replica's writes never erase it),
 * with the replica that runs it and when that replica last said it was alive.
 */
export interface JobRecord extends Omit<Job, 'cancelRequested'> {
  replica: string;
  heartbeatAt: string;
}

export const jobKey = (id: string) => `job:${id}`;
export const cancelKey = (id: string) => `cancel:${id}`;

export function recordOf(job: Job, replica: string, atMs: number): JobRecord {
  const { cancelRequested: _cancel, ...rest } = job;
  return { ...rest, replica, heartbeatAt: new Date(atMs).toISOString() };
}

/** The job a record describes; undefined for a record that is not one (a damaged store). */
export function jobOf(record: unknown, cancelRequested: boolean): Job | undefined {
  if (!isJobRecord(record)) return undefined;
  const { replica: _replica, heartbeatAt: _beat, ...job } = record;
  return { ...job, cancelRequested: cancelRequested && job.status === 'running' };
}

/** A running job whose replica has not said it is alive for `afterMs`: it stopped, or was killed. */
export function isLost(record: JobRecord, nowMs: number, afterMs: number): boolean {
  return record.status === 'running' && nowMs - Date.parse(record.heartbeatAt) > afterMs;
}

/** What a lost job is reported as: failed, saying why, with nothing of a result. */
export function lostJob(record: JobRecord, now: string, afterMs: number): Job {
  const job = jobOf(record, false)!;
  return {
    ...job,
    status: 'failed',
    finishedAt: now,
    result: null,
    error: {
      code: 'SIMULATION_LOST',
      message: `The replica running simulation ${job.id} stopped answering (no heartbeat for ${afterMs / 1000} s since ${record.heartbeatAt}); run it again`,
    },
  };
}

function isJobRecord(value: unknown): value is JobRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r['id'] === 'string' &&
    (r['kind'] === 'run' || r['kind'] === 'compare') &&
    typeof r['twinId'] === 'string' &&
    typeof r['status'] === 'string' &&
    typeof r['createdAt'] === 'string' &&
    typeof r['replica'] === 'string' &&
    typeof r['heartbeatAt'] === 'string' &&
    typeof r['progress'] === 'object'
  );
}
