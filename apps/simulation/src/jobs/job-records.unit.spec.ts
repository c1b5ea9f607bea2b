import { isLost, jobOf, lostJob, recordOf } from './job-records';
import type { Job } from './simulation-jobs';

const job: Job = {
  id: 'j1',
  kind: 'run',
  twinId: 'mill-1',
  site: 'plant-a',
  status: 'running',
  progress: { phase: 'monte-carlo', fraction: 0.5 },
  cancelRequested: true,
  createdAt: '2026-12-07T10:00:00.000Z',
  finishedAt: null,
  result: null,
  error: null,
};
const at = Date.parse('2026-12-07T10:01:00.000Z');

describe('simulation job records', () => {
  it('store a job without its cancel flag, with its replica and heartbeat, and read back the same job', () => {
    const record = recordOf(job, 'replica-a', at);
    expect(record).not.toHaveProperty('cancelRequested');
    expect(record).toMatchObject({ replica: 'replica-a', heartbeatAt: '2026-12-07T10:01:00.000Z' });
    expect(jobOf(record, true)).toEqual(job);
    expect(jobOf(record, false)).toEqual({ ...job, cancelRequested: false });
    // A finished job is never "cancel requested", whatever request is left in the store.
    expect(jobOf({ ...record, status: 'completed' }, true)?.cancelRequested).toBe(false);
  });

  it('read nothing from a damaged record', () => {
    for (const damaged of [null, 'x', {}, { ...recordOf(job, 'r', at), kind: 'other' }, { id: 1 }])
      expect(jobOf(damaged, false)).toBeUndefined();
  });

  it('call a running job lost only after its heartbeat is older than the limit', () => {
    const record = recordOf(job, 'replica-a', at);
    expect(isLost(record, at + 30_000, 30_000)).toBe(false);
    expect(isLost(record, at + 30_001, 30_000)).toBe(true);
    expect(isLost({ ...record, status: 'completed' }, at + 3_600_000, 30_000)).toBe(false);
    const lost = lostJob(record, '2026-12-07T10:02:00.000Z', 30_000);
    expect(lost).toMatchObject({
      status: 'failed',
      finishedAt: '2026-12-07T10:02:00.000Z',
      cancelRequested: false,
      result: null,
      error: { code: 'SIMULATION_LOST' },
    });
    expect(lost.error!.message).toContain('no heartbeat for 30 s since 2026-12-07T10:01:00.000Z');
  });
});
