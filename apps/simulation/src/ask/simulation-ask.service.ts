import { Inject, Injectable } from '@nestjs/common';
import { AI_ASSISTANT, type Assistant } from '@twinlog/ai';
import {
  AI_TEXT_LIMITS,
  askedComparison,
  bounded,
  isTwinlogError,
  scenarioPart,
  TwinlogError,
} from '@twinlog/domain';
import { declaredParameters, physicsModelFor, scenarioInvalid } from '@twinlog/physics';
import type { SimulationConfig } from '../config/simulation.config';
import { startOf } from '../runs/run-inputs';
import type { RunMeta } from '../runs/run-recorder';
import { SimulationRuns, type Started } from '../runs/simulation-runs.service';
import { TwinSubjects } from '../subject/twin-subjects.service';
import { SIMULATION_CONFIG } from '../tokens';
import { askedScenarioProblems } from './asked-scenario-check';
import { physicsBrief } from './physics-brief';
import {
  ASK_ANSWER,
  ASK_INSTRUCTIONS,
  ASK_PROMPT_VERSION,
  ASK_TASK_NAME,
  runBodyOf,
  shapeProblems,
  type AskedScenario,
} from './scenario-answer';

export interface AskRequest {
  twinId: string;
  at?: string;
  text: string;
  /** Compare with the twin left alone when the words ask for no mitigation (the what-if page). */
  baseline: boolean;
}

/** Who asks and whether they are still there (the route's caller and its connection). */
export interface AskCaller {
  /** The principal's id, for the per-caller rate (one shared caller without auth). */
  id: string;
  /** Aborts when the caller leaves: the ask stops, and no run is started or recorded. */
  signal?: AbortSignal;
  /** When the request came (ms since the epoch): the ask's deadline counts from here. */
  since?: number;
}

/** A scenario is a few perturbations and mitigations: well under this, capped with room. */
const ASK_MAX_OUTPUT_TOKENS = 1500;

/** What the answer adds to the run's result or job (docs/services/simulation.md). */
export interface AskView extends AskedScenario {
  text: string;
  assumptions: string[];
  model: string;
  promptVersion: string;
  cached: boolean;
}

/**
 * A what-if in plain words (docs/ai.md): the model proposes a scenario for the twin type's
 * physics model, Twinlog checks it with the same validator as POST /v1/simulations (plus the
 * ask's bounds guard), asks once more with the problems, then runs it through the same path
 * (with mitigations or `baseline`: the compare path). The model's answer only ever becomes a
 * validated scenario.
 */
@Injectable()
export class SimulationAsks {
  constructor(
    @Inject(AI_ASSISTANT) private readonly assistant: Assistant,
    private readonly subjects: TwinSubjects,
    private readonly runs: SimulationRuns,
    @Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig,
  ) {}

  async ask(
    request: AskRequest,
    meta: RunMeta,
    caller: AskCaller,
  ): Promise<{ started: Started<unknown>; ask: AskView }> {
    const startedAt = Date.now();
    const { twinId, at, text } = request;
    // Said plainly before the twin is read: nothing else can help while AI is off.
    this.assistant.assertOn();
    // The start, resolved once: the run and the body it answers (ask.scenario.at) share it, so
    // POSTing that body back runs the same simulation even when the words gave no time.
    const startAt = startOf(at);
    if (meta.sites) {
      const site = await this.subjects.siteOf(twinId);
      if (site === undefined || !meta.sites(site)) {
        throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(twinId)} is not registered`, {
          twinId: bounded(twinId),
        });
      }
    }
    const { state, model: twinModel } = await this.subjects.stateAt(
      twinId,
      startAt,
      at !== undefined,
    );
    const physics = physicsModelFor(twinModel.type);
    const declared = declaredParameters(twinModel, physics.parameters).values;
    const limits = this.config.limits;

    // Problems of the last answer that had the right shape: the validator's, not the schema's.
    let validatorProblems: string[] | undefined;
    const answer = await this.assistant
      .ask(
        {
          name: ASK_TASK_NAME,
          schema: ASK_ANSWER,
          instructions: ASK_INSTRUCTIONS,
          data: {
            twin: { twinId, twinType: twinModel.type, modelVersion: twinModel.version },
            physics: physicsBrief(physics, twinModel, limits, declared, state.limits),
            ask: text,
          },
          check: (value) => {
            const shape = shapeProblems(value);
            if (shape.length > 0 || value.scenario === null) return shape;
            const found = askedScenarioProblems(
              runBodyOf(twinId, startAt, value.scenario),
              physicsModelFor(twinModel.type),
              limits,
              declared,
            ).slice(0, 20);
            validatorProblems = found;
            return found;
          },
          maxOutputTokens: ASK_MAX_OUTPUT_TOKENS,
        },
        {
          caller: caller.id,
          // The twin's reading above is within the deadline too: it counts from the request.
          since: caller.since ?? startedAt,
          ...(caller.signal ? { signal: caller.signal } : {}),
        },
      )
      .catch((error: unknown) => {
        if (
          isTwinlogError(error, 'AI_ANSWER_INVALID') &&
          validatorProblems !== undefined &&
          sameList(error.details['problems'], validatorProblems)
        ) {
          throw new TwinlogError(
            'SCENARIO_NOT_SIMULABLE',
            `The scenario the model proposed twice cannot run on ${twinModel.type}: ${validatorProblems.join('; ')}`,
            {
              reason: 'the proposed scenario does not pass validation',
              problems: validatorProblems,
              unsupported: [],
            },
          );
        }
        throw error;
      });
    // The caller left as the answer came: no run is started, so nothing is recorded.
    if (caller.signal?.aborted)
      throw new TwinlogError(
        'AI_UNAVAILABLE',
        'the caller left before the scenario ran; nothing was run or recorded',
        { reason: 'cancelled' },
      );
    const value = answer.value;
    if (value.kind === 'cannot-simulate' || value.scenario === null) {
      const reason = value.reason ?? 'the twin type’s model cannot represent it';
      throw new TwinlogError(
        'SCENARIO_NOT_SIMULABLE',
        `The ${twinModel.type} model cannot simulate that: ${reason}${value.unsupported.length > 0 ? ` (not in the model: ${value.unsupported.join('; ')})` : ''}`,
        { reason, unsupported: value.unsupported },
      );
    }
    const asked = runBodyOf(twinId, startAt, value.scenario);
    const ask: AskView = {
      text,
      ...asked,
      assumptions: value.assumptions,
      model: answer.model,
      promptVersion: ASK_PROMPT_VERSION,
      cached: answer.cached,
    };
    const runMeta: RunMeta = { ...meta, ask: { text, model: answer.model } };
    const base = scenarioPart(asked.scenario);
    if (asked.mitigations.length > 0) {
      // The comparison askedRequests shows: base = the scenario, alternative = with the mitigations.
      const sides = askedComparison(asked);
      const started = await this.runs.compare(
        twinId,
        startAt,
        sides.base,
        sides.alternative,
        runMeta,
      );
      return { started, ask };
    }
    if (request.baseline) {
      const baseline = { ...base, label: 'baseline', perturbations: [] };
      return { started: await this.runs.compare(twinId, startAt, baseline, base, runMeta), ask };
    }
    return { started: await this.runs.run(twinId, startAt, base, runMeta), ask };
  }
}

/** The ask's text: 1 to 2,000 characters that are not only spaces (SCENARIO_INVALID otherwise). */
export function askTextOf(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '')
    throw scenarioInvalid(['ask: the question in plain words is required']);
  if (text.length > AI_TEXT_LIMITS.askText)
    throw scenarioInvalid([
      `ask: at most ${AI_TEXT_LIMITS.askText} characters (got ${text.length})`,
    ]);
  return text;
}

function sameList(a: unknown, b: string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}
