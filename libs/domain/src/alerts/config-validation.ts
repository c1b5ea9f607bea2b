import { TwinlogError } from '../errors';
import { SEVERITIES } from '../events/twin-events';
import { ALERT_CAUSE_KINDS, type AlertRule } from './alert-events';
import type { AlertsProjection } from './alerts-projection';
import type { NewSilenceCommand } from './alert-decision-types';
import { isValidTimeZone } from './quiet-hours';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function channelProblems(p: AlertsProjection, channels: unknown, where: string): string[] {
  if (!Array.isArray(channels)) return [`${where} must be a list of channel ids`];
  return channels.flatMap((id) => {
    if (id === '*') return [];
    if (!nonEmpty(id)) return [`${where} holds an empty channel id`];
    return p.channel(id)?.deleted === false ? [] : [`${where}: channel '${id}' does not exist`];
  });
}

/** A rule's problems: unknown channels (other than '*'), a bad time zone, unordered steps. */
export function ruleProblems(p: AlertsProjection, rule: AlertRule): string[] {
  const problems: string[] = [];
  if (!nonEmpty(rule.ruleId)) problems.push('ruleId must not be empty');
  if (!nonEmpty(rule.name)) problems.push('name must not be empty');
  const match = rule.match ?? {};
  if (!SEVERITIES.includes(match.minSeverity)) problems.push(`match.minSeverity must be one of ${SEVERITIES.join(', ')}`);
  for (const cause of list(match.causes)) {
    if (!ALERT_CAUSE_KINDS.includes(cause as never)) problems.push(`match.causes: unknown cause '${String(cause)}'`);
  }
  problems.push(...channelProblems(p, rule.channels, 'channels'));
  const quiet = rule.quietHours;
  if (quiet) {
    if (!HHMM.test(String(quiet.from)) || !HHMM.test(String(quiet.to))) {
      problems.push('quietHours.from and .to must be HH:MM (00:00-23:59)');
    }
    if (!nonEmpty(quiet.timeZone) || !isValidTimeZone(quiet.timeZone)) {
      problems.push(`quietHours.timeZone '${String(quiet.timeZone)}' is not a known IANA time zone`);
    }
    if (!SEVERITIES.includes(quiet.allowSeverity)) problems.push('quietHours.allowSeverity is not a severity');
  }
  let previous = 0;
  list(rule.escalation).forEach((raw, index) => {
    const step = raw as AlertRule['escalation'][number];
    const where = `escalation[${index}]`;
    if (!Number.isInteger(step?.afterMinutes) || step.afterMinutes < 1) {
      problems.push(`${where}.afterMinutes must be a whole number of minutes, at least 1`);
    } else if (step.afterMinutes <= previous) {
      problems.push(`${where}.afterMinutes must come after the step before (${previous} min)`);
    } else previous = step.afterMinutes;
    if (list(step?.channels).length === 0) problems.push(`${where}.channels must name a channel`);
    problems.push(...channelProblems(p, step?.channels, `${where}.channels`));
  });
  return problems;
}

export function assertRuleValid(p: AlertsProjection, rule: AlertRule): void {
  const problems = ruleProblems(p, rule);
  if (problems.length > 0) {
    throw new TwinlogError('RULE_INVALID', `The alert rule is invalid: ${problems.join('; ')}`, { problems });
  }
}

/** A silence: a valid from < to, ending in the future, on exactly one of a twin or a site. */
export function assertSilenceValid(silence: NewSilenceCommand, now: string): void {
  const problems: string[] = [];
  const from = Date.parse(silence.from);
  const to = Date.parse(silence.to);
  if (!nonEmpty(silence.silenceId)) problems.push('silenceId must not be empty');
  if (silence.kind !== 'silence' && silence.kind !== 'maintenance-window') {
    problems.push("kind must be 'silence' or 'maintenance-window'");
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) problems.push('from and to must be valid times');
  else {
    if (from >= to) problems.push('from must be before to');
    if (to <= Date.parse(now)) problems.push('to must be in the future');
  }
  if (nonEmpty(silence.twinId) === nonEmpty(silence.site)) problems.push('give exactly one of twinId or site');
  if (typeof silence.reason !== 'string') problems.push('reason must be text');
  if (problems.length > 0) {
    throw new TwinlogError('SILENCE_INVALID', `The silence is invalid: ${problems.join('; ')}`, { problems });
  }
}
