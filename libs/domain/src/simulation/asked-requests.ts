/*
 * A what-if asked in plain words, as the simulation routes take it (docs/ai.md): the service runs
 * these bodies, and the dashboard shows the same ones to copy. Pure: no I/O.
 */

/** `ask.scenario` and `ask.mitigations` of POST /v1/simulations/ask's answer. */
export interface AskedBodies {
  /** Exactly a POST /v1/simulations body: twinId, the start it ran from (`at`), the scenario. */
  scenario: Record<string, unknown>;
  /** Added after the perturbations on the compared side (POST /v1/simulations/compare's alternative). */
  mitigations: Array<Record<string, unknown>>;
}

/** One request that reruns an ask: its route and its JSON body. */
export interface AskedRequest {
  route: 'POST /v1/simulations' | 'POST /v1/simulations/compare';
  body: Record<string, unknown>;
}

/** The scenario part of a run body (what the scenario validator takes): without twinId and at. */
export function scenarioPart(body: Record<string, unknown>): Record<string, unknown> {
  const { twinId: _twinId, at: _at, ...scenario } = body;
  return scenario;
}

/** The same scenario with the mitigations after its perturbations. */
export function withMitigations(
  scenario: Record<string, unknown>,
  mitigations: Array<Record<string, unknown>>,
): Record<string, unknown> {
  const perturbations = (scenario['perturbations'] as unknown[] | undefined) ?? [];
  return { ...scenario, perturbations: [...perturbations, ...mitigations] };
}

/** The compare run of an ask with mitigations: base = its scenario, alternative = with them. */
export function askedComparison(asked: AskedBodies): {
  base: Record<string, unknown>;
  alternative: Record<string, unknown>;
} {
  const base = scenarioPart(asked.scenario);
  const label = `${String(base['label'] ?? 'scenario')} with mitigations`.slice(0, 200);
  return { base, alternative: { ...withMitigations(base, asked.mitigations), label } };
}

/**
 * The requests that rerun an ask, each a body its route accepts as it is: the scenario
 * (POST /v1/simulations), and with mitigations the comparison that ran (POST
 * /v1/simulations/compare, `{ twinId, at, base, alternative }`).
 */
export function askedRequests(asked: AskedBodies): AskedRequest[] {
  const requests: AskedRequest[] = [{ route: 'POST /v1/simulations', body: asked.scenario }];
  if (asked.mitigations.length > 0) {
    const { twinId, at } = asked.scenario;
    requests.push({
      route: 'POST /v1/simulations/compare',
      body: { twinId, ...(at === undefined ? {} : { at }), ...askedComparison(asked) },
    });
  }
  return requests;
}
