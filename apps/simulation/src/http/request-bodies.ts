import { siteFilterOf, type AuthenticatedRequest } from '@twinlog/service-kit';
import { scenarioInvalid } from '@twinlog/physics';
import type { RunMeta } from '../runs/run-recorder';

/** The twin and start of a request; the rest of the body is the scenario itself. */
export function splitRun(body: unknown): {
  twinId: string;
  at?: string;
  scenario: Record<string, unknown>;
} {
  const { twinId, at, ...scenario } = objectOf(body);
  return { ...subjectOf(twinId, at), scenario };
}

/** `{ twinId, at?, base: {scenario}, alternative: {scenario} }` */
export function splitCompare(body: unknown) {
  const { twinId, at, base, alternative, ...rest } = objectOf(body);
  const problems: string[] = [];
  if (typeof base !== 'object' || base === null) problems.push('base: a scenario is required');
  if (typeof alternative !== 'object' || alternative === null) {
    problems.push('alternative: a scenario is required');
  }
  const extra = Object.keys(rest);
  if (extra.length > 0)
    problems.push(`unknown fields: ${extra.join(', ')} (scenarios go in base and alternative)`);
  if (problems.length > 0) throw scenarioInvalid(problems);
  return { ...subjectOf(twinId, at), base, alternative };
}

function subjectOf(twinId: unknown, at: unknown): { twinId: string; at?: string } {
  const problems: string[] = [];
  if (typeof twinId !== 'string' || twinId.length === 0 || twinId.length > 200) {
    problems.push('twinId: the twin to simulate is required');
  }
  if (at !== undefined && typeof at !== 'string') problems.push('at: must be an ISO 8601 time');
  if (problems.length > 0) throw scenarioInvalid(problems);
  return { twinId: twinId as string, ...(at === undefined ? {} : { at: at as string }) };
}

function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw scenarioInvalid(['(body): must be a JSON object with twinId and the scenario']);
  }
  return body as Record<string, unknown>;
}

/** Correlation from a header and the authenticated caller, so the audit trail says who asked and why. */
export function metaOf(req: AuthenticatedRequest): RunMeta {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
  };
  const meta: RunMeta = {};
  const correlationId = header('x-correlation-id');
  if (correlationId) meta.correlationId = correlationId;
  const caller = req.principal;
  if (caller) {
    meta.actor = caller.id;
    // Only a caller of some sites pays for the extra read of the twin's site.
    const sites = siteFilterOf(caller);
    if (sites) meta.sites = sites;
  }
  return meta;
}
