import { SIMULATION_LIMIT_DEFAULTS, type PerturbationKind } from '@twinlog/domain';

/**
 * A what-if scenario as the page holds it, and as its URL carries it (so a link shows the
 * same run to a colleague). A change reads like the command line's `--perturb`:
 * `fail cooling_capacity 10% at 0 until 2h`, `step spindle_speed +20% at 1h`,
 * `ramp temperature +2/h`, `set tool_wear 0 at 4h`. Pure: no DOM, no fetch.
 */
export type ChangeKind = PerturbationKind;
/** libs/domain's PERTURBATION_KINDS in the form's order (a unit test keeps them the same set). */
export const CHANGE_KINDS: readonly ChangeKind[] = ['set', 'step', 'fail', 'ramp'];

export interface Change {
  kind: ChangeKind;
  target: string;
  /** set: the value; step: `+20%`, `x1.3` or an absolute `5`; fail: what remains (`10%`, `0.1`); ramp: per hour (`+2/h`). */
  amount: string;
  /** Offsets from the start (`0`, `90s`, `15m`, `2h`, `1h30m`); `until` empty: to the end. */
  at: string;
  until: string;
}

export interface Scenario {
  twin: string;
  horizon: string;
  /** Empty: the service's default (about 1,440 points over the horizon). */
  step: string;
  /** Monte Carlo samples (0: none, no band). */
  samples: number;
  seed: number;
  perturbations: Change[];
  mitigations: Change[];
  /** The property drawn (empty: the first limit reached, else the first state). */
  property: string;
}

export const DEFAULT_SCENARIO: Omit<Scenario, 'twin'> = {
  horizon: '24h',
  step: '',
  samples: 200,
  seed: 7,
  perturbations: [],
  mitigations: [],
  property: '',
};

/** The service's default limits (libs/domain; docs/services/simulation.md, "Limits and settings"). */
export const LIMITS = {
  maxHorizonSeconds: SIMULATION_LIMIT_DEFAULTS.maxHorizonSeconds,
  maxSteps: SIMULATION_LIMIT_DEFAULTS.maxSteps,
  maxSamples: SIMULATION_LIMIT_DEFAULTS.maxSamples,
  maxWork: SIMULATION_LIMIT_DEFAULTS.maxWork,
  /** Points of a run without a step (its steps and the start). */
  defaultPoints: SIMULATION_LIMIT_DEFAULTS.defaultStepsPerHorizon + 1,
  /** Perturbations per run: the scenario's run carries both lists. */
  maxChanges: SIMULATION_LIMIT_DEFAULTS.maxPerturbations,
};
export const MAX_SEED = 2 ** 32 - 1;

const PART =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/** Seconds of `90`, `90s`, `15m`, `2h`, `1d`, `1h30m`; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  const m = PART.exec(t);
  if (!t || !m || m.slice(1).every((g) => g === undefined)) return undefined;
  const [d, h, min, s] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
  return d! * 86_400 + h! * 3_600 + min! * 60 + s!;
}

// ---- the URL -------------------------------------------------------------------------------

export function changeText(c: Change): string {
  const parts: string[] = [c.kind, c.target];
  if (c.amount.trim()) parts.push(c.amount.trim());
  if (c.at.trim()) parts.push('at', c.at.trim());
  if (c.until.trim()) parts.push('until', c.until.trim());
  return parts.join(' ');
}

/** A change from its text; undefined when it is not one (a hand-edited link). */
export function changeOf(text: string): Change | undefined {
  const words = text.trim().split(/\s+/);
  const [kind, target, ...rest] = words;
  if (!kind || !target || !(CHANGE_KINDS as readonly string[]).includes(kind)) return undefined;
  const change: Change = { kind: kind as ChangeKind, target, amount: '', at: '', until: '' };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if ((word === 'at' || word === 'until') && rest[i + 1] !== undefined) {
      change[word] = rest[++i]!;
    } else if (!change.amount) change.amount = word;
    else return undefined;
  }
  return change;
}

const changesOf = (text: string | undefined): Change[] =>
  (text ?? '')
    .split(';')
    .filter((t) => t.trim())
    .map(changeOf)
    .filter((c): c is Change => c !== undefined);

function intOf(text: string | undefined, fallback: number): number {
  if (text === undefined || !/^-?\d{1,9}$/.test(text)) return fallback;
  return Number(text);
}

/** The scenario a URL's query holds; what it lacks, or holds malformed, is the default. */
export function scenarioFromQuery(query: Record<string, string>): Scenario {
  const get = (k: string) => (Object.hasOwn(query, k) ? query[k] : undefined);
  return {
    twin: get('twin') ?? '',
    horizon: get('horizon') || DEFAULT_SCENARIO.horizon,
    step: get('step') ?? '',
    samples: intOf(get('samples'), DEFAULT_SCENARIO.samples),
    seed: intOf(get('seed'), DEFAULT_SCENARIO.seed),
    perturbations: changesOf(get('p')),
    mitigations: changesOf(get('m')),
    property: get('property') ?? '',
  };
}

/** The query that gives the scenario back (empty values left out). */
export function scenarioToQuery(s: Scenario): Record<string, string | undefined> {
  const list = (changes: Change[]) => changes.map(changeText).join(';') || undefined;
  return {
    twin: s.twin || undefined,
    horizon: s.horizon,
    step: s.step || undefined,
    samples: String(s.samples),
    seed: String(s.seed),
    p: list(s.perturbations),
    m: list(s.mitigations),
    property: s.property || undefined,
  };
}

export const baselineName = (s: Scenario) =>
  s.mitigations.length > 0 ? 'Without mitigation' : 'Baseline (no change)';
export const scenarioName = (s: Scenario) =>
  s.mitigations.length > 0 ? 'With mitigation' : 'Scenario';
