import {
  aiStatus,
  aiStatusOnce,
  anomalyExplanation,
  ApiClient,
  explainAnomaly,
  maintenanceReport,
} from './client';

function clientWith(answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; method: string }> = [];
  const client = new ApiClient({
    headers: () => ({}),
    onUnauthorized: () => undefined,
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, method: String(init.method) });
      const next = answers.shift()!;
      return new Response(JSON.stringify(next.body), { status: next.status });
    }) as unknown as typeof fetch,
  });
  return { client, calls };
}

describe("the API client's explanation calls", () => {
  it("asks twin-state's GET /v1/ai/twin-state, and POSTs for an explanation (refresh in the query), ids encoded", async () => {
    const { client, calls } = clientWith([
      { status: 200, body: { enabled: false, reason: 'r', howToEnable: 'h' } },
      { status: 201, body: { summary: 's' } },
      { status: 201, body: { summary: 't' } },
    ]);
    expect((await aiStatus(client, 'twin-state')).enabled).toBe(false);
    await explainAnomaly(client, 'mill-1:temperature/../x');
    await explainAnomaly(client, 'ep-1', true);
    expect(calls).toEqual([
      { url: '/v1/ai/twin-state', method: 'GET' },
      { url: '/v1/anomalies/mill-1%3Atemperature%2F..%2Fx/explanation', method: 'POST' },
      { url: '/v1/anomalies/ep-1/explanation?refresh=true', method: 'POST' },
    ]);
  });

  it('reads no explanation yet as undefined; other refusals are errors', async () => {
    const { client } = clientWith([
      { status: 404, body: { error: { code: 'EXPLANATION_NOT_FOUND', message: 'none' } } },
      { status: 503, body: { error: { code: 'NOT_READY', message: 'later' } } },
    ]);
    expect(await anomalyExplanation(client, 'ep-1')).toBeUndefined();
    await expect(anomalyExplanation(client, 'ep-1')).rejects.toMatchObject({ code: 'NOT_READY' });
  });

  it("asks each service's AI status once for every control that needs it, and again after a failure", async () => {
    const on = { enabled: true, model: 'm' };
    const { client, calls } = clientWith([
      { status: 200, body: on },
      { status: 503, body: { error: { code: 'NOT_READY', message: 'later' } } },
      { status: 200, body: { enabled: false, reason: 'r', howToEnable: 'h' } },
    ]);
    const statusOf = aiStatusOnce(client);
    const [a, b] = await Promise.all([statusOf('twin-state'), statusOf('twin-state')]);
    expect([a, b]).toEqual([on, on]);
    await expect(statusOf('maintenance')).rejects.toMatchObject({ code: 'NOT_READY' });
    expect((await statusOf('maintenance')).enabled).toBe(false);
    expect(await statusOf('twin-state')).toEqual(on);
    expect(calls.map((c) => c.url)).toEqual([
      '/v1/ai/twin-state',
      '/v1/ai/maintenance',
      '/v1/ai/maintenance',
    ]);
  });
});

describe("the API client's report call", () => {
  it('asks GET /v1/reports/maintenance for the twin, with refresh=true only when asked anew', async () => {
    const { client, calls } = clientWith([
      { status: 200, body: { sections: [] } },
      { status: 200, body: { sections: [] } },
      { status: 200, body: { sections: [] } },
    ]);
    await maintenanceReport(client, 'cnc 01');
    await maintenanceReport(client, 'cnc-01', { refresh: true });
    await maintenanceReport(client, 'cnc-01', { refresh: false });
    expect(calls).toEqual([
      { url: '/v1/reports/maintenance?twin=cnc+01', method: 'GET' },
      { url: '/v1/reports/maintenance?twin=cnc-01&refresh=true', method: 'GET' },
      { url: '/v1/reports/maintenance?twin=cnc-01', method: 'GET' },
    ]);
  });
});
