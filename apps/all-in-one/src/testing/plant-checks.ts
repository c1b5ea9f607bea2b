import { eventually, getJson } from './twinlog-process';

interface TwinList {
  twins: Array<{ twinId: string; activeAnomalies: number }>;
}

interface Twin {
  twinId: string;
  revision: number;
  reported: Record<string, { value: number; occurredAt: string }>;
  activeAnomalies: Record<
    string,
    {
      detector: string;
      properties: string[];
      evidence: Array<{ property: string; observed: number }>;
    }
  >;
}

interface Prediction {
  prediction: {
    healthIndex: number;
    rulHours: number;
    rulLowHours: number;
    rulHighHours: number;
    priority: string;
  } | null;
}

/**
 * What a person should see within minutes of starting Twinlog with its plant simulator: live
 * values, an anomaly with its evidence, a component's health with a remaining-life band, and a
 * what-if answer. Returns what it saw.
 */
export async function seeThePlantWorking(url: string, timeoutMs: number, apiKey?: string) {
  const live = await eventually(
    () => getJson<Twin>(`${url}/v1/twins/cnc-01`, apiKey),
    (r) => r.status === 200 && r.body.reported['temperature'] !== undefined,
    'live values of cnc-01',
    timeoutMs,
  );
  const anomalous = await eventually(
    async () => {
      const { body } = await getJson<TwinList>(`${url}/v1/twins?limit=1000`, apiKey);
      const twin = body.twins.find((t) => t.activeAnomalies > 0);
      return twin
        ? (await getJson<Twin>(`${url}/v1/twins/${twin.twinId}`, apiKey)).body
        : undefined;
    },
    (twin) => twin !== undefined && Object.keys(twin.activeAnomalies).length > 0,
    'an open anomaly on some twin',
    timeoutMs,
  );
  // Tools wear from the first cut: some machine's tool health is falling within minutes.
  const prediction = await eventually(
    async () => {
      for (const twinId of ['cnc-01-tool', 'cnc-02-tool', 'cnc-03-tool']) {
        const answer = await getJson<Prediction>(`${url}/v1/twins/${twinId}/maintenance`, apiKey);
        if ((answer.body.prediction?.healthIndex ?? 100) < 100) return { twinId, ...answer };
      }
      return undefined;
    },
    (r) => r !== undefined,
    'a tool whose health index has fallen',
    timeoutMs,
  );
  const scenario = await fetch(`${url}/v1/simulations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify({
      twinId: 'cnc-01',
      label: 'coolant pump fails',
      horizon: '2h',
      step: '1m',
      perturbations: [{ kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 }],
    }),
  });
  // The machining process at the top of the tree: its figures derived from the machines'
  // readings, every plant minute after a 10-minute warm-up (ADR 0021).
  const processTwin = await eventually(
    () => getJson<Twin & { parentId: string | null }>(`${url}/v1/twins/machining-1`, apiKey),
    (r) => r.status === 200 && r.body.reported['oee'] !== undefined,
    'the machining process’s OEE',
    timeoutMs,
  );
  return {
    live: live.body,
    process: processTwin.body,
    anomalous: anomalous!,
    predicted: prediction!.twinId,
    prediction: prediction!.body.prediction!,
    scenario: { status: scenario.status, body: (await scenario.json()) as Record<string, unknown> },
  };
}
