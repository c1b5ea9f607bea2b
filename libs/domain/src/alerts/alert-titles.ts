import type { Severity } from '../events/twin-events';
import type { AlertCause, AlertMember } from './alert-events';

export function distinctTwins(members: readonly AlertMember[]): string[] {
  return [...new Set(members.map((member) => member.twinId))];
}

/** One member: its twin; several twins: the group's system (docs/adr/0019 §4). */
export function subjectOf(members: readonly AlertMember[], groupKey: string): string {
  const twins = distinctTwins(members);
  return twins.length >= 2 ? groupKey : (twins[0] ?? groupKey);
}

function describeOne(cause: AlertCause): string {
  switch (cause.kind) {
    case 'anomaly':
      return `${cause.properties.length > 0 ? cause.properties.join(', ') : cause.detector} anomaly on ${cause.twinId}`;
    case 'maintenance':
      return cause.measure === 'rul-p10'
        ? `maintenance due on ${cause.twinId}: remaining life P10 ${round(cause.value)} h`
        : `maintenance due on ${cause.twinId}: health index ${round(cause.value)}`;
    case 'silence':
      return `${cause.twinId} silent for ${Math.round(cause.silentForSeconds / 60)} min`;
  }
}

const GROUP_WORD: Record<AlertCause['kind'], string> = {
  anomaly: 'anomaly',
  maintenance: 'maintenance due',
  silence: 'silent',
};

/**
 * A title a person can read at a glance: "temperature anomaly on press-3 (alarm)", or for a
 * grouped alert "silent: 7 twins under line-2".
 */
export function titleOf(
  members: readonly AlertMember[],
  groupKey: string,
  severity: Severity,
): string {
  const title = composeTitle(members, groupKey, severity);
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`;
}

/** The event schema's bound on a title. */
const MAX_TITLE = 500;

function composeTitle(
  members: readonly AlertMember[],
  groupKey: string,
  severity: Severity,
): string {
  const first = members[0];
  if (!first) return `alert on ${groupKey}`;
  const twins = distinctTwins(members);
  if (twins.length >= 2) {
    const text = `${GROUP_WORD[first.cause.kind]}: ${twins.length} twins under ${groupKey}`;
    return first.cause.kind === 'silence' ? text : `${text} (${severity})`;
  }
  const text = describeOne(first.cause);
  return first.cause.kind === 'silence' ? text : `${text} (${severity})`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
