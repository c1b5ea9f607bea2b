import type { Assistant } from '@twinlog/ai';
import { initialTwinState, type ModelCatalog, type TwinlogError } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import type { LiveTwins } from '../state/live-twins';
import type { TwinTelemetry } from '../telemetry/twin-telemetry.service';
import { AnomalyExplanations } from './anomaly-explanations.service';
import { WholeDirectory } from '../replicas/whole-directory';

// The guard between the model's answer and the record: a caller who left as the answer came
// back saw nothing, so nothing is recorded (the int spec's caller leaves while the request is
// still out, where the Assistant's own abort answers instead).

const NOW = '2026-03-01T10:00:00.000Z';
const twin = {
  ...initialTwinState('cnc-1'),
  status: 'active' as const,
  twinType: 'unknown-type',
  modelVersion: 1,
  site: 'plant-a',
  registeredAt: '2026-01-01T00:00:00.000Z',
};
const detected = {
  id: 'ev-detected',
  type: 'AnomalyDetected',
  twinId: 'cnc-1',
  occurredAt: '2026-03-01T09:00:00.000Z',
  recordedAt: '2026-03-01T09:00:00.000Z',
  data: {
    episodeId: 'ep-1',
    detector: 'zscore',
    properties: ['temperature'],
    score: 0.9,
    severity: 'warning',
    evidence: [],
  },
};
const ANSWER = {
  value: { summary: 'hot', likelyCauses: [{ cause: 'fan', why: 'rpm low' }], checkFirst: ['fan'] },
  model: 'm',
  usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
  cached: false,
  attempts: 1,
};

function explanations(ask: Assistant['ask']) {
  const append = jest.fn(async () => undefined);
  const live = {
    get: (id: string) => (id === 'cnc-1' ? twin : undefined),
    episodes: { twinOf: () => 'cnc-1', near: () => [] },
  } as unknown as LiveTwins;
  const log = { readStream: async () => [detected], append } as unknown as EventLog;
  const catalog = { has: () => false } as unknown as ModelCatalog;
  const assistant = { assertOn: () => undefined, ask } as unknown as Assistant;
  const telemetry = { windows: async () => [] } as unknown as TwinTelemetry;
  const service = new AnomalyExplanations(
    live,
    new WholeDirectory(),
    telemetry,
    log,
    catalog,
    assistant,
    () => NOW,
  );
  return { service, append };
}

const request = (signal?: AbortSignal) => ({
  refresh: false,
  actor: 'ann',
  correlationId: undefined,
  see: () => true,
  caller: 'ann',
  ...(signal ? { signal } : {}),
});

describe('explaining an anomaly: the caller leaving', () => {
  it('records the answer when the caller stays', async () => {
    const { service, append } = explanations((async () => ANSWER) as never);
    expect((await service.explain('ep-1', request(new AbortController().signal))).created).toBe(
      true,
    );
    expect(append).toHaveBeenCalledTimes(1);
  });

  it('records nothing when the caller left as the answer came back', async () => {
    const leaving = new AbortController();
    const { service, append } = explanations((async () => {
      // The answer is in; the caller's connection closes before it is recorded.
      leaving.abort();
      return ANSWER;
    }) as never);
    const error = (await service
      .explain('ep-1', request(leaving.signal))
      .catch((e: unknown) => e)) as TwinlogError;
    expect(error.code).toBe('AI_UNAVAILABLE');
    expect(error.details).toEqual({ reason: 'cancelled' });
    expect(append).not.toHaveBeenCalled();
  });
});
