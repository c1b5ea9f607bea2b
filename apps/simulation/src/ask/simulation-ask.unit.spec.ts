import { NO_AMOUNTS } from '@twinlog/testing';
import type { AskOptions, Assistant } from '@twinlog/ai';
import { initialTwinState, type TwinlogError } from '@twinlog/domain';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { readSimulationConfig } from '../config/simulation.config';
import type { SimulationRuns } from '../runs/simulation-runs.service';
import type { TwinSubjects } from '../subject/twin-subjects.service';
import { SimulationAsks } from './simulation-ask.service';

// What the simulation ask gives the Assistant and does with its answer, with the twin, the
// model and the runs faked: the deadline counts from the request, and a caller who left as the
// answer came back starts no run.

const MODEL = loadModelCatalog(SEED_MODELS_DIR).get('cnc-milling-machine');
const none = NO_AMOUNTS;
const ANSWER = {
  value: {
    kind: 'scenario',
    scenario: {
      label: 'pump fails',
      horizon: 3600,
      step: null,
      perturbations: [{ ...none, kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0 }],
      mitigations: [],
      monteCarlo: null,
    },
    assumptions: [],
    reason: null,
    unsupported: [],
  },
  model: 'm',
  usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
  cached: false,
  attempts: 1,
};

function asks(ask: (task: unknown, options: AskOptions) => Promise<unknown>, readMs = 0) {
  const run = jest.fn(async () => ({ started: true }));
  const subjects = {
    siteOf: async () => 'plant-a',
    stateAt: async () => {
      // Reading the twin takes a while: the deadline must count it.
      await new Promise((resolve) => setTimeout(resolve, readMs));
      return { state: initialTwinState('cnc-1'), model: MODEL };
    },
  } as unknown as TwinSubjects;
  const runs = { run, compare: run } as unknown as SimulationRuns;
  const assistant = { assertOn: () => undefined, ask } as unknown as Assistant;
  const service = new SimulationAsks(assistant, subjects, runs, readSimulationConfig({}));
  return { service, run };
}

const request = { twinId: 'cnc-1', text: 'the coolant pump fails', baseline: false };

describe('a what-if in plain words', () => {
  it("counts the deadline from the request: the caller's time, else before the twin is read", async () => {
    const seen: AskOptions[] = [];
    const { service, run } = asks(async (_task, options) => {
      seen.push(options);
      return ANSWER;
    }, 50);
    await service.ask(request, {}, { id: 'ann', since: 1234 });
    expect(seen[0]).toMatchObject({ caller: 'ann', since: 1234 });
    const before = Date.now();
    await service.ask(request, {}, { id: 'ann' });
    expect(seen[1]!.since).toBeGreaterThanOrEqual(before);
    expect(seen[1]!.since).toBeLessThanOrEqual(before + 40);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('starts no run when the caller left as the answer came back', async () => {
    const leaving = new AbortController();
    const { service, run } = asks(async () => {
      leaving.abort();
      return ANSWER;
    });
    const error = (await service
      .ask(request, {}, { id: 'ann', signal: leaving.signal })
      .catch((e: unknown) => e)) as TwinlogError;
    expect(error.code).toBe('AI_UNAVAILABLE');
    expect(error.details).toEqual({ reason: 'cancelled' });
    expect(run).not.toHaveBeenCalled();
  });
});
