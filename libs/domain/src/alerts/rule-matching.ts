import type { AlertMember, AlertRule } from './alert-events';
import type { AlertView, SilenceView } from './alert-views';
import type { AlertTwinLookup } from './alert-decision-types';
import { severityAtLeast } from '../events/severity-order';
import { inSubtree } from './twin-ancestry';

/** Whether one member's cause passes a rule's filter (an empty list matches everything). */
function memberMatches(member: AlertMember, rule: AlertRule, twins: AlertTwinLookup): boolean {
  const { match } = rule;
  const cause = member.cause;
  if (!severityAtLeast(cause.severity, match.minSeverity)) return false;
  if (match.causes.length > 0 && !match.causes.includes(cause.kind)) return false;
  const twin = twins(member.twinId);
  if (match.twinTypes.length > 0 && (!twin || !match.twinTypes.includes(twin.twinType)))
    return false;
  if (match.sites.length > 0 && (!twin?.site || !match.sites.includes(twin.site))) return false;
  if (match.subtree !== null && !inSubtree(member.twinId, match.subtree, twins)) return false;
  if (match.properties.length > 0) {
    const properties = cause.kind === 'anomaly' ? cause.properties : [];
    if (!properties.some((p) => match.properties.includes(p))) return false;
  }
  return true;
}

/** A rule takes an alert when it is enabled and any member's cause passes its filter. */
export function ruleMatches(rule: AlertRule, alert: AlertView, twins: AlertTwinLookup): boolean {
  return rule.enabled && alert.members.some((member) => memberMatches(member, rule, twins));
}

/** Active at `at`: begun, not ended, not lifted. */
export function silenceActive(silence: SilenceView, at: number): boolean {
  return silence.liftedAt === null && Date.parse(silence.from) <= at && at < Date.parse(silence.to);
}

/**
 * The first active silence or maintenance window (by id) covering the alert: its subject or any
 * member in the silenced twin's subtree, or the alert's or a member's site.
 */
export function coveringSilence(
  alert: AlertView,
  silences: readonly SilenceView[],
  at: number,
  twins: AlertTwinLookup,
): SilenceView | undefined {
  const subjects = [...new Set([alert.subject, ...alert.members.map((m) => m.twinId)])];
  const sites = new Set<string>(alert.site === null ? [] : [alert.site]);
  for (const twinId of subjects) {
    const site = twins(twinId)?.site;
    if (site) sites.add(site);
  }
  return silences
    .filter((silence) => silenceActive(silence, at))
    .sort((a, b) => (a.silenceId < b.silenceId ? -1 : a.silenceId > b.silenceId ? 1 : 0))
    .find(
      (silence) =>
        silenceActive(silence, at) &&
        ((silence.twinId !== null &&
          subjects.some((twinId) => inSubtree(twinId, silence.twinId!, twins))) ||
          (silence.site !== null && sites.has(silence.site))),
    );
}
