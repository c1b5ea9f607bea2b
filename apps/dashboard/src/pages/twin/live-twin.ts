import { ownValue as own, severityAtLeast, twinHealth, type Severity } from '@twinlog/domain';
import type { ReportedValue, TelemetryAnswer, TwinDetail } from '../../api/types';
import type { StreamMessage } from '../../stream/live-stream';

/** A reading as a `TelemetryReported` message carries it. */
export interface LiveReading {
  property: string;
  value: number;
  unit: string;
  occurredAt: string;
  readingId: string;
}

/**
 * What a stream message does to the twin page: readings are folded into the twin it holds
 * (the server's "current" rule: a reading replaces a value only if at least as new, and not
 * before a maintenance reset) and its health recomputed, with no request; so are an anomaly
 * opened, raised or closed and a maintenance prediction, when they follow the revision the page holds.
 * Anything else (limits, registration, maintenance done: rare), or an event after a gap (one the
 * stream does not carry, such as a what-if run, moved the revision), asks for a fetch.
 */
export function applyStreamMessage(
  twin: TwinDetail,
  message: StreamMessage,
): { twin: TwinDetail; readings: LiveReading[] } | 'refetch' | 'ignore' {
  const { data } = message;
  if (data.twinId !== twin.twinId) return 'ignore';
  if (message.type !== 'state-changed' || data.event !== 'TelemetryReported')
    return applyTwinEvent(twin, message);
  // Already in what the page fetched (the fetch and the stream overlap at the start).
  if (data.revision <= twin.telemetryRevision) return 'ignore';
  const readings = readingsOf(data.data);
  if (!readings) return 'refetch';
  const reported: Record<string, ReportedValue> = { ...twin.reported };
  for (const r of readings) {
    const current = own(reported, r.property);
    if (current && isEarlier(r.occurredAt, current.occurredAt)) continue;
    const resetAt = own(twin.resetAt, r.property);
    if (resetAt && isEarlier(r.occurredAt, resetAt)) continue;
    Object.defineProperty(reported, r.property, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: {
        value: r.value,
        unit: r.unit,
        occurredAt: r.occurredAt,
        readingId: r.readingId,
        eventId: data.eventId,
        revision: data.revision,
      } satisfies ReportedValue,
    });
  }
  const next = { ...twin, reported, telemetryRevision: data.revision };
  return { twin: { ...next, health: twinHealth(next) }, readings };
}

/** Anomalies and predictions, folded as the server folds them (libs/domain evolve-twin.ts). */
function applyTwinEvent(
  twin: TwinDetail,
  message: StreamMessage,
): { twin: TwinDetail; readings: LiveReading[] } | 'refetch' | 'ignore' {
  const { data } = message;
  if (data.revision <= twin.revision) return 'ignore';
  if (data.revision !== twin.revision + 1) return 'refetch';
  const payload = data.data;
  let next: TwinDetail;
  if (data.event === 'AnomalyDetected' && typeof payload.episodeId === 'string') {
    const activeAnomalies = { ...twin.activeAnomalies };
    Object.defineProperty(activeAnomalies, payload.episodeId, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: { ...payload, since: data.occurredAt },
    });
    next = { ...twin, activeAnomalies };
  } else if (data.event === 'AnomalyEscalated' && typeof payload.episodeId === 'string') {
    // Only an open episode, only upwards (as evolve-twin folds it).
    const open = own(twin.activeAnomalies, payload.episodeId);
    const severity = payload.severity as Severity;
    if (!open || severityAtLeast(open.severity, severity)) next = twin;
    else {
      const raised = {
        ...open,
        severity,
        score: payload.score as number,
        evidence: payload.evidence as typeof open.evidence,
        raisedAt: data.occurredAt,
      };
      next = { ...twin, activeAnomalies: { ...twin.activeAnomalies, [payload.episodeId]: raised } };
    }
  } else if (data.event === 'AnomalyCleared' && typeof payload.episodeId === 'string') {
    const activeAnomalies = { ...twin.activeAnomalies };
    delete activeAnomalies[payload.episodeId];
    next = { ...twin, activeAnomalies };
  } else if (data.event === 'MaintenancePredicted') {
    const last = twin.maintenancePrediction;
    next =
      last && isEarlier(data.occurredAt, last.predictedAt)
        ? twin
        : {
            ...twin,
            maintenancePrediction: {
              ...(payload as unknown as NonNullable<TwinDetail['maintenancePrediction']>),
              predictedAt: data.occurredAt,
              eventId: data.eventId,
            },
          };
  } else return 'refetch';
  next = { ...next, revision: data.revision };
  return { twin: { ...next, health: twinHealth(next) }, readings: [] };
}

const isEarlier = (a: string, b: string) => Date.parse(a) < Date.parse(b);

function readingsOf(payload: Record<string, unknown>): LiveReading[] | undefined {
  const list = payload.readings;
  if (!Array.isArray(list)) return undefined;
  const ok = list.every(
    (r: Partial<LiveReading> | null) =>
      typeof r?.property === 'string' &&
      typeof r.value === 'number' &&
      typeof r.occurredAt === 'string' &&
      Number.isFinite(Date.parse(r.occurredAt)),
  );
  return ok ? (list as LiveReading[]) : undefined;
}

/**
 * The charts' answer with live readings added to their epoch-aligned windows (the server's
 * windows: `[k·every, (k+1)·every)`; mean, min, max, last and count kept as the server would),
 * and windows that fell out of the range's start dropped: a chart that follows the latest reading
 * moves on without fetching its whole range again.
 */
export function appendReadings(
  answer: TelemetryAnswer,
  readings: readonly LiveReading[],
  range: { fromMs: number; toMs: number },
): TelemetryAnswer {
  const every = answer.everyMs;
  if (!(every > 0)) return answer;
  const series = answer.series.map((s) => {
    const mine = readings.filter((r) => r.property === s.property);
    const windows = [...s.windows];
    for (const r of mine) {
      const t = Date.parse(r.occurredAt);
      if (!Number.isFinite(r.value) || t < range.fromMs || t >= range.toMs) continue;
      const startMs = Math.floor(t / every) * every;
      const start = new Date(startMs).toISOString();
      const at = windows.findIndex((w) => Date.parse(w.start) >= startMs);
      const found = at >= 0 && windows[at]!.start === start ? windows[at]! : undefined;
      if (found) {
        const count = found.count + 1;
        windows[at] = {
          start,
          mean: found.mean + (r.value - found.mean) / count,
          min: Math.min(found.min, r.value),
          max: Math.max(found.max, r.value),
          last: at === windows.length - 1 ? r.value : found.last,
          count,
        };
      } else {
        const w = { start, mean: r.value, min: r.value, max: r.value, last: r.value, count: 1 };
        if (at < 0) windows.push(w);
        else windows.splice(at, 0, w);
      }
    }
    const firstKept = windows.findIndex((w) => Date.parse(w.start) + every > range.fromMs);
    return { ...s, windows: firstKept < 0 ? [] : windows.slice(firstKept) };
  });
  return {
    ...answer,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    series,
  };
}
