import { TwinlogError, type RuleView } from '@twinlog/domain';
import { siteFilterOf, type Principal } from '@twinlog/service-kit';

/**
 * Rules by site (review 20 #9): a caller of some sites sees and changes only the rules whose
 * `match.sites` all lie within its own. A rule naming no site matches every site: global, so
 * only a caller of every site sees or sets it.
 */
export function mayUseRule(caller: Principal | undefined, sites: readonly string[]): boolean {
  const visible = siteFilterOf(caller);
  return visible === undefined || (sites.length > 0 && sites.every((site) => visible(site)));
}

/** The rule, or RULE_NOT_FOUND when the caller may not see it (as if it did not exist). */
export function visibleRule(caller: Principal | undefined, rule: RuleView): RuleView {
  if (!mayUseRule(caller, rule.match.sites))
    throw new TwinlogError('RULE_NOT_FOUND', `No rule ${rule.ruleId}`, { ruleId: rule.ruleId });
  return rule;
}

/** Refuses (403 SITE_FORBIDDEN) a rule that would reach beyond the caller's sites. */
export function assertRuleWithin(caller: Principal | undefined, sites: readonly string[]): void {
  if (mayUseRule(caller, sites)) return;
  throw new TwinlogError(
    'SITE_FORBIDDEN',
    sites.length === 0
      ? 'A rule naming no site is for every site: only a caller of every site may set it'
      : `The caller may not set a rule for site(s) ${sites.join(', ')}`,
    { sites: [...sites] },
  );
}
