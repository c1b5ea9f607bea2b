import { randomUUID } from 'node:crypto';
import { HOW_TO_ENABLE_AI } from '@twinlog/ai';
import { startOnePortGateway, type OnePortGateway, type ServiceName } from '@twinlog/app-gateway';
import { readMaintenanceConfig, startMaintenance } from '@twinlog/app-maintenance';
import { readSimulationConfig, startSimulation } from '@twinlog/app-simulation';
import { readTwinStateConfig, startTwinState } from '@twinlog/app-twin-state';
import {
  openInfrastructure,
  type Env,
  type Infrastructure,
  type RunningService,
} from '@twinlog/service-kit';
import {
  distributedServiceEnv,
  freshAiStatus,
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// GET /v1/ai/{service} (docs/ai.md, "Is AI on, and where"): each AI service answers for its own
// process, whose settings and budget its feature uses. Distributed, each has its own environment;
// embedded, all share one assistant and answer alike.

jest.setTimeout(180_000);

const get = async (url: string) => {
  const answer = await fetch(url);
  return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
};

describe('each AI service answers its own status (distributed: each its own process and environment)', () => {
  let server: OpenAiCompatibleServer;
  let gateway: OnePortGateway | undefined;
  const running: RunningService[] = [];
  const infras: Infrastructure[] = [];

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    const base = distributedServiceEnv(`ai-status-${randomUUID().slice(0, 8)}.`);
    const own = (prefix: string, env: Env): Env => ({
      ...base,
      ...env,
      [`${prefix}_HTTP_HOST`]: '127.0.0.1',
      [`${prefix}_HTTP_PORT`]: '0',
    });
    const on = (model: string, dailyTokens: string): Env => ({
      OPENAI_API_KEY: 'sk-ai-status-per-service-1f9a',
      OPENAI_BASE_URL: server.baseUrl,
      TWINLOG_AI_MODEL: model,
      TWINLOG_AI_DAILY_TOKENS: dailyTokens,
    });
    const start = async <C extends { service: Parameters<typeof openInfrastructure>[0] }>(
      name: string,
      config: C,
      store: boolean,
      begin: (config: C, infra: Infrastructure) => Promise<RunningService>,
    ) => {
      const infra = await openInfrastructure(config.service, {
        service: `ai-status-${name}`,
        store,
      });
      infras.push(infra);
      const service = await begin(config, infra);
      running.push(service);
      return service.url;
    };
    const twinState = await start(
      'twin-state',
      readTwinStateConfig(own('TWIN_STATE', on('explain-model', '7000'))),
      true,
      (c, i) => startTwinState(c, i, false),
    );
    const simulation = await start(
      'simulation',
      readSimulationConfig(own('SIMULATION', on('ask-model', '9000'))),
      true,
      (c, i) => startSimulation(c, i, false),
    );
    // Maintenance's environment has no key: AI is off there alone.
    const maintenance = await start(
      'maintenance',
      readMaintenanceConfig(own('MAINTENANCE', {})),
      true,
      (c, i) => startMaintenance(c, i, false),
    );
    // The services this test does not start: nothing listens there.
    const absent = 'http://127.0.0.1:9';
    const upstreams: Record<ServiceName, string> = {
      'twin-state': twinState,
      simulation,
      maintenance,
      ingestion: absent,
      anomaly: absent,
      alerting: absent,
    };
    gateway = await startOnePortGateway(upstreams, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await gateway?.close();
    for (const service of running.reverse()) await service.close().catch(() => undefined);
    for (const infra of infras) await infra.close().catch(() => undefined);
    await server?.close();
  });

  it('says at the gateway: simulation on with its model and budget, maintenance off, twin-state its own', async () => {
    const url = gateway!.url;
    expect(await get(`${url}/v1/ai/simulation`)).toEqual({
      status: 200,
      json: freshAiStatus(server, 'ask-model', 9000),
    });
    expect(await get(`${url}/v1/ai/maintenance`)).toEqual({
      status: 200,
      json: { enabled: false, reason: 'OPENAI_API_KEY is not set', howToEnable: HOW_TO_ENABLE_AI },
    });
    const twinState = await get(`${url}/v1/ai/twin-state`);
    expect(twinState).toMatchObject({
      status: 200,
      json: { enabled: true, model: 'explain-model', dailyTokens: 7000 },
    });
    // GET /v1/ai stays twin-state's, as documented.
    expect(await get(`${url}/v1/ai`)).toEqual(twinState);
    // Reading a status asks the model nothing.
    expect(server.requests).toHaveLength(0);
  });
});

describe('each AI service answers its own status (embedded: one shared assistant)', () => {
  let server: OpenAiCompatibleServer;
  let twinlog: InProcessTwinlog;
  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    twinlog = await startInProcessTwinlog({
      env: {
        OPENAI_API_KEY: 'sk-ai-status-embedded-77c2',
        OPENAI_BASE_URL: server.baseUrl,
        TWINLOG_AI_MODEL: 'shared-model',
      },
    });
  });
  afterAll(async () => {
    await twinlog?.close();
    await server?.close();
  });

  it('answers alike for every AI service, and not for the others', async () => {
    const all = await get(`${twinlog.url}/v1/ai`);
    expect(all).toMatchObject({ status: 200, json: { enabled: true, model: 'shared-model' } });
    for (const service of ['twin-state', 'simulation', 'maintenance', 'anomaly'])
      expect(await get(`${twinlog.url}/v1/ai/${service}`)).toEqual(all);
    // Ingestion and alerting ask no model: no such status (the gateway sends it to twin-state).
    expect((await get(`${twinlog.url}/v1/ai/ingestion`)).status).toBe(404);
    expect((await get(`${twinlog.url}/v1/ai/alerting`)).status).toBe(404);
  });
});
