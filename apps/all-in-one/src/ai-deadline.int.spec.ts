import { request } from 'node:http';
import {
  jsonRequest,
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';
import { anomalyEpisodeOf, twinWithAnomaly } from './testing/twin-with-anomaly';

// The three AI routes through the gateway against a model server that never answers, with the
// DEFAULT per-request timeout (30 s) and retries (2): the ask's deadline, not the transport
// settings, bounds the ask, so the caller gets a 502 saying so before the HTTP idle timeout
// drops the silent socket (review 22, items 2 and 7). The idle timeout and the deadline are
// short here only to keep the test fast; their order is the defaults' (45 s < 60 s).
jest.setTimeout(180_000);

const IDLE_MS = 8_000;
const DEADLINE_MS = 4_000;
const twinId = 'deadline-cnc';
const episodeId = anomalyEpisodeOf(twinId);
const EXPLANATION = {
  summary: 'Coolant flow dropped while the spindle ran at speed.',
  likelyCauses: [{ cause: 'Coolant pump wear', why: 'temperature above its alarm limit' }],
  checkFirst: ['coolant pump'],
};

let ai: OpenAiCompatibleServer;
let t: InProcessTwinlog;
const call = (method: string, path: string, body?: unknown) =>
  jsonRequest(t.url, method, path, body);
const explainPath = `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`;

beforeAll(async () => {
  ai = await startOpenAiCompatibleServer();
  t = await startInProcessTwinlog({
    env: {
      OPENAI_API_KEY: 'sk-deadline-5c1a',
      OPENAI_BASE_URL: ai.baseUrl,
      TWINLOG_HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
      TWINLOG_AI_ASK_DEADLINE_MS: String(DEADLINE_MS),
      // The polls below until each service knows the twin are asks too.
      TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR: '1000',
    },
  });
  await twinWithAnomaly(t, twinId);
  // Until every route knows the twin, a model that refuses at once (400: not retried).
  ai.otherwise({ status: 400, message: 'not yet' });
  await until(
    () => call('GET', explainPath),
    (r) => r.json?.error?.code === 'EXPLANATION_NOT_FOUND',
  );
  await until(
    () => call('GET', `/v1/reports/maintenance?twin=${twinId}`),
    (r) => r.json?.error?.code === 'AI_UNAVAILABLE',
  );
  await until(
    () => call('POST', '/v1/simulations/ask', { twinId, ask: 'what if the coolant pump fails?' }),
    (r) => r.json?.error?.code === 'AI_UNAVAILABLE',
  );
});
afterAll(async () => {
  await t?.close();
  await ai?.close();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function explanationsRecorded(): Promise<number> {
  const events = await t.infra.log.readStream(twinId, {
    streams: ['twin-events'],
    types: ['AnomalyExplained'],
  });
  return events.length;
}

describe('a model server that never answers, default timeout and retries', () => {
  beforeEach(() => {
    ai.reset();
    ai.otherwise({ hang: true });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  const timedOut = (answer: { status: number; json: any }) => {
    expect(answer.status).toBe(502);
    expect(answer.json.error.code).toBe('AI_UNAVAILABLE');
    expect(answer.json.error.details.reason).toBe('timeout');
    expect(answer.json.error.message).toContain(`within the deadline of ${DEADLINE_MS} ms`);
  };

  it('explain: 502 AI_UNAVAILABLE (timeout), not a dropped socket; nothing recorded', async () => {
    timedOut(await call('POST', explainPath));
    expect(await explanationsRecorded()).toBe(0);
  });

  it('explain twice at once: the second waits behind the first within the same deadline (502 too)', async () => {
    const both = await Promise.all([call('POST', explainPath), call('POST', explainPath)]);
    for (const answer of both) timedOut(answer);
    expect(await explanationsRecorded()).toBe(0);
  });

  it('ask: 502 AI_UNAVAILABLE (timeout), not a dropped socket', async () => {
    timedOut(
      await call('POST', '/v1/simulations/ask', { twinId, ask: 'what if the coolant pump fails?' }),
    );
  });

  it('report: 502 AI_UNAVAILABLE (timeout), not a dropped socket', async () => {
    timedOut(await call('GET', `/v1/reports/maintenance?twin=${twinId}`));
  });
});

describe('a caller that leaves mid-ask', () => {
  it('explain: the model request is aborted through the gateway, and nothing is recorded', async () => {
    ai.reset();
    // An answer that would come after the caller left: recorded, if the ask went on.
    ai.otherwise({ delayMs: 2_500, then: { json: EXPLANATION } });
    const gone = new Promise<void>((resolve) => {
      const req = request(`${t.url}${explainPath}`, { method: 'POST' });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end();
      void until(
        async () => ai.chatRequests().length,
        (n) => n === 1,
      ).then(() => req.destroy());
    });
    await gone;
    await until(
      async () => ai.inFlight(),
      (n) => n === 0,
    );
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await explanationsRecorded()).toBe(0);
    expect(ai.chatRequests()).toHaveLength(1);
    const read = await call('GET', explainPath);
    expect(read.json.error.code).toBe('EXPLANATION_NOT_FOUND');
  });
});
