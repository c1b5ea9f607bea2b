import { sendRate, type SimulatorStats } from './stats';

const n = (v: number) => Math.round(v).toLocaleString('en-US');

/** One line: where plant time is, what was sent and answered, how fast, and any trouble. */
export function progressLine(s: SimulatorStats): string {
  const parts = [
    s.plantTime ? `plant ${s.plantTime.slice(0, 19).replace('T', ' ')}Z` : s.state,
    `sent ${n(s.sent)}`,
    `accepted ${n(s.accepted)}`,
    ...(s.duplicates > 0 ? [`duplicates ${n(s.duplicates)}`] : []),
    `rejected ${n(s.rejected)}`,
    `${n(sendRate(s))}/s`,
    ...(s.pending > 0 ? [`pending ${n(s.pending)}`] : []),
    ...(s.behindMs >= 5_000 ? [`behind ${n(s.behindMs / 1000)} s`] : []),
    ...(s.trouble ? [`RETRYING: ${s.trouble}`] : []),
  ];
  return parts.join(' | ');
}

/** The end of a run, for a person. */
export function summaryLine(s: SimulatorStats & { failure: string | null }): string {
  const codes = Object.entries(s.rejectedByCode)
    .map(([code, count]) => `${code} ${n(count)}`)
    .join(', ');
  return [
    `${n(s.sent)} readings sent in ${(s.elapsedMs / 1000).toFixed(1)} s (${n(sendRate(s))}/s)`,
    `${n(s.accepted)} accepted`,
    ...(s.duplicates > 0 ? [`${n(s.duplicates)} duplicates`] : []),
    `${n(s.rejected)} rejected${codes ? ` (${codes})` : ''}`,
    ...(s.pending > 0 ? [`${n(s.pending)} NOT delivered`] : []),
    ...(s.registered + s.alreadyRegistered > 0
      ? [`${s.registered} twins registered, ${s.alreadyRegistered} already were`]
      : []),
    ...(s.maintenanceRecorded + s.maintenanceFailed > 0
      ? [
          `${s.maintenanceRecorded} maintenance records${s.maintenanceFailed ? `, ${s.maintenanceFailed} failed` : ''}`,
        ]
      : []),
    ...(s.failure ? [`stopped: ${s.failure}`] : []),
  ].join('; ');
}
