import { randomUUID } from 'node:crypto';
import {
  distributedServiceEnv,
  jsonRequest,
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';
import { anomalyEpisodeOf, twinWithAnomaly } from './testing/twin-with-anomaly';

// Explaining an anomaly across services (issue 22): twin-state records AnomalyExplained, and
// alerting, another service following twin-events, shows it on the alert of the episode. Both
// modes: one embedded log, and Kafka (every service in this process, each with its groups).
jest.setTimeout(180_000);

const KEY = 'sk-explain-across-7d2e';
const ANSWER = {
  summary: 'Coolant flow dropped while the spindle ran at speed.',
  likelyCauses: [{ cause: 'Coolant pump wear', why: 'temperature far above its alarm limit' }],
  checkFirst: ['coolant pump'],
};

describe.each(['embedded', 'distributed'] as const)(
  'an explanation across services (%s)',
  (mode) => {
    let ai: OpenAiCompatibleServer;
    let t: InProcessTwinlog;
    const twinId = `explain-${mode}`;
    const episodeId = anomalyEpisodeOf(twinId);
    const call = (method: string, path: string, body?: unknown) =>
      jsonRequest(t.url, method, path, body);

    beforeAll(async () => {
      ai = await startOpenAiCompatibleServer();
      t = await startInProcessTwinlog({
        env: {
          ...(mode === 'distributed'
            ? distributedServiceEnv(`aie-${randomUUID().slice(0, 8)}.`)
            : {}),
          OPENAI_API_KEY: KEY,
          OPENAI_BASE_URL: ai.baseUrl,
          TWINLOG_AI_MODEL: 'across-model',
        },
      });
      // The anomaly service's finding, as it appends it.
      await twinWithAnomaly(t, twinId);
    });
    afterAll(async () => {
      await t?.close();
      await ai?.close();
    });

    async function until<T>(
      read: () => Promise<T>,
      ok: (v: T) => boolean,
      what: string,
    ): Promise<T> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > deadline) throw new Error(`timed out: ${what}: ${JSON.stringify(value)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    it('POST through the gateway records it; GET reads it; the alert of the episode carries it', async () => {
      const alerts = await until(
        () => call('GET', `/v1/alerts?twinId=${twinId}`),
        (a) => a.json?.alerts?.length > 0,
        'the alert of the anomaly',
      );
      const alertId = alerts.json.alerts[0].alertId as string;
      expect(alerts.json.alerts[0].explanation).toBeUndefined();
      await until(
        () => call('GET', `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`),
        (a) => a.json?.error?.code === 'EXPLANATION_NOT_FOUND',
        'twin-state knows the episode',
      );

      ai.answer({ json: ANSWER });
      const made = await call('POST', `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`);
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({ episodeId, twinId, ...ANSWER, model: 'across-model' });
      expect(ai.chatRequests()).toHaveLength(1);
      expect(ai.chatRequests()[0]!.body.model).toBe('across-model');
      expect(ai.chatRequests()[0]!.text).not.toContain(KEY);

      const shown = await until(
        () => call('GET', `/v1/alerts/${alertId}`),
        (a) => a.json?.explanation !== undefined,
        'the explanation on the alert',
      );
      expect(shown.json.explanation).toEqual({
        episodeId,
        twinId,
        eventId: made.json.eventId,
        explainedAt: made.json.explainedAt,
        summary: ANSWER.summary,
        likelyCauses: ANSWER.likelyCauses,
        checkFirst: ANSWER.checkFirst,
        model: 'across-model',
      });
      const listed = await call('GET', `/v1/alerts?twinId=${twinId}`);
      expect(listed.json.alerts[0].explanation.summary).toBe(ANSWER.summary);
      const read = await call('GET', `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`);
      expect(read.json).toEqual(made.json);
    });
  },
);
