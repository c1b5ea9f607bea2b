/** What a run has done so far; the object is live (updated in place) while the run goes on. */
export interface SimulatorStats {
  state: 'registering' | 'running' | 'draining' | 'stopped';
  /** Twins registered by this run, and ones that were registered already (fine). */
  registered: number;
  alreadyRegistered: number;
  /** Readings produced by the plant or the file. */
  generated: number;
  /** Readings handed to the target and answered. */
  sent: number;
  /**
   * Over HTTP: accepted by ingestion. Over MQTT: acknowledged by the broker (QoS 1), which keeps
   * each message until ingestion has appended it; ingestion's per-reading refusals then go to
   * its dead-letter topic, not back to the publisher.
   */
  accepted: number;
  /** Answered "duplicate": a resend of a reading ingestion already has (a success). */
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  /** Readings still waiting to be sent (or given up on, once the run stopped). */
  pending: number;
  maintenanceRecorded: number;
  maintenanceFailed: number;
  /** Attempts that failed and were tried again (target down, 503, a twin not yet known). */
  retries: number;
  /** The target's last failure, while it lasts; null once it answers again. */
  trouble: string | null;
  /** Plant time of the newest sample taken, ISO. */
  plantTime: string | null;
  /** How far plant time lags where the pace wants it, ms (the target or the machine is slower). */
  behindMs: number;
  startedAtMs: number;
  elapsedMs: number;
}

export function emptyStats(startedAtMs: number): SimulatorStats {
  return {
    state: 'registering',
    registered: 0,
    alreadyRegistered: 0,
    generated: 0,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByCode: {},
    pending: 0,
    maintenanceRecorded: 0,
    maintenanceFailed: 0,
    retries: 0,
    trouble: null,
    plantTime: null,
    behindMs: 0,
    startedAtMs,
    elapsedMs: 0,
  };
}

/** Readings answered per wall second since the start. */
export function sendRate(stats: SimulatorStats): number {
  return stats.elapsedMs > 0 ? (stats.sent * 1000) / stats.elapsedMs : 0;
}
