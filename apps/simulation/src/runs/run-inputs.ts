import {
  isTwinlogError,
  parseIsoTime,
  TwinlogError,
  type SimulationAsk,
  type SimulationRequest,
} from '@twinlog/domain';
import { scenarioInvalid, type Scenario } from '@twinlog/physics';
import type { LoadedSubject } from '../subject/twin-subjects.service';

/** Plant clocks drift: a start time this far ahead of ours still counts as "now". */
const FUTURE_SKEW_MS = 60_000;

/** One side of a run or comparison: its id, its checked scenario, and the twin it starts from. */
export interface Side {
  simulationId: string;
  scenario: Scenario;
  loaded: LoadedSubject;
}

/** The SimulationRequested record of one side (what was asked, from which start). */
export function requestOf(
  side: Side,
  comparisonId: string | null,
  timeTravel: boolean,
  ask?: SimulationAsk,
): SimulationRequest {
  const { scenario } = side;
  return {
    simulationId: side.simulationId,
    label: scenario.label,
    comparisonId,
    startAt: side.loaded.subject.startAt,
    timeTravel,
    horizonSeconds: scenario.horizonSeconds,
    stepSeconds: scenario.stepSeconds,
    perturbations: scenario.perturbations.map((p) => ({ ...p })),
    samples: scenario.monteCarlo?.samples ?? 0,
    seed: scenario.monteCarlo?.seed ?? null,
    ...(ask ? { ask: { text: ask.text, model: ask.model } } : {}),
  };
}

/** Points × samples: what decides between answering at once and a job. */
export function workOf(scenario: Scenario): number {
  const points = Math.ceil(scenario.horizonSeconds / scenario.stepSeconds) + 1;
  return points * Math.max(1, scenario.monteCarlo?.samples ?? 0);
}

/** The instant a run starts from: now, or a past time it travels back to. */
export function startOf(at: string | undefined): string {
  return at === undefined ? now() : startTime(at);
}

function startTime(at: string): string {
  const parsed = parseIsoTime(at);
  if (!parsed.ok) throw scenarioInvalid([`at: ${parsed.reason}`]);
  if (parsed.ms > Date.now() + FUTURE_SKEW_MS) {
    throw scenarioInvalid([
      `at: ${parsed.iso} is in the future; a run starts from now or a past state`,
    ]);
  }
  return parsed.iso;
}

/** Prefixes a scenario's problems with the request field it came from (base, alternative). */
export function withField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (field === 'scenario' || !isTwinlogError(error, 'SCENARIO_INVALID')) throw error;
    const problems = (error.details['problems'] as string[]).map((p) => `${field}.${p}`);
    throw new TwinlogError(
      'SCENARIO_INVALID',
      `The ${field} scenario is invalid: ${problems.join('; ')}`,
      { problems },
    );
  }
}

export function now(): string {
  return new Date().toISOString();
}
