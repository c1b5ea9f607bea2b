import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, stampEvents, type NewEvent } from '@twinlog/domain';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The AI second opinion end to end in the embedded all-in-one, with alerting running and
// authentication on (docs/ai.md): the anomaly worker asks the local OpenAI-compatible server,
// the finding is in the twin's audit trail (site-scoped like any event), never among its
// anomalies, and never opens an alert, while a real anomaly after it does.
jest.setTimeout(300_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any };

const MIN = 60_000;
const START = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;
const MILL = 'ai-mill-a';
const OTHER = 'ai-mill-b';

let twinlog: InProcessTwinlog;
let server: OpenAiCompatibleServer;
let admin: string;

async function call(path: string, key: string, method = 'GET', body?: unknown): Promise<Answer> {
  const response = await fetch(`${twinlog.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function until(path: string, check: (a: Answer) => boolean): Promise<Answer> {
  let answer = await call(path, admin);
  for (let i = 0; i < 600 && !check(answer); i++) {
    await new Promise((r) => setTimeout(r, 100));
    answer = await call(path, admin);
  }
  expect([path, check(answer)]).toEqual([path, true]);
  return answer;
}

async function newKey(role: string, sites: '*' | string[]): Promise<string> {
  const created = await call('/v1/admin/keys', admin, 'POST', { name: `${role} key`, role, sites });
  expect(created.status).toBe(201);
  return created.json.key as string;
}

beforeAll(async () => {
  server = await startOpenAiCompatibleServer();
  server.otherwise({
    json: {
      verdict: 'possible-anomaly',
      properties: ['vibration'],
      summary: 'Vibration wanders more than usual for this speed.',
    },
  });
  twinlog = await startInProcessTwinlog({
    env: {
      TWINLOG_AUTH: 'on',
      OPENAI_API_KEY: 'sk-all-in-one-second-opinion',
      OPENAI_BASE_URL: server.baseUrl,
      TWINLOG_AI_SECOND_OPINION_TYPES: 'cnc-milling-machine',
      TWINLOG_AI_SECOND_OPINION_INTERVAL_S: '60',
    },
  });
  const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
  const bootstrap = await ensureBootstrapKey(twinlog.infra.log.accessKeys, file, true);
  admin = readFileSync(bootstrap.file, 'utf8').trim();
  for (const [twinId, site] of [
    [MILL, 'plant-a'],
    [OTHER, 'plant-b'],
  ] as const) {
    const registered = await call('/v1/twins', admin, 'POST', {
      twinId,
      twinType: 'cnc-milling-machine',
      site,
      commissionedAt: new Date(START - 86_400_000).toISOString(),
    });
    expect(registered.status).toBe(201);
  }
});

/** Calm readings of a CNC mill, one event a second from START. */
function calmReadings(twinId: string, seconds: number): NewEvent[] {
  return Array.from({ length: seconds }, (_, s) => {
    const at = new Date(START + s * 1000).toISOString();
    const values = { temperature: 50 + (s % 3), vibration: 1.5, spindle_speed: 8000 };
    const units = { temperature: '°C', vibration: 'mm/s', spindle_speed: 'rpm' };
    return {
      id: `${twinId}/t${s}`,
      twinId,
      type: 'TelemetryReported',
      schemaVersion: CURRENT_SCHEMA_VERSION.TelemetryReported,
      occurredAt: at,
      recordedAt: at,
      correlationId: `${twinId}/t${s}`,
      causationId: null,
      producer: 'test',
      data: {
        readings: Object.entries(values).map(([property, value]) => ({
          readingId: `${twinId}/${property}/${s}`,
          property,
          value,
          unit: units[property as keyof typeof units],
          occurredAt: at,
        })),
      },
    };
  });
}

afterAll(async () => {
  await twinlog?.close();
  await server?.close();
});

it('records a possible anomaly as a labelled AI finding that opens no alert, while a real anomaly does', async () => {
  // Calm readings of one mill over two and a half windows: two windows close, two asks.
  await twinlog.infra.log.append(calmReadings(MILL, 150));
  const trail = `/v1/twins/${MILL}/events?types=AiFindingRecorded`;
  const findings = await until(trail, (a) => a.json?.events?.length === 2);
  expect(findings.json.events[0]).toMatchObject({
    type: 'AiFindingRecorded',
    producer: 'anomaly',
    occurredAt: new Date(START + MIN).toISOString(),
    data: {
      source: 'ai-second-opinion',
      verdict: 'possible-anomaly',
      properties: ['vibration'],
      window: { from: new Date(START).toISOString(), to: new Date(START + MIN).toISOString() },
    },
  });
  expect(server.chatRequests()).toHaveLength(2);

  // A real anomaly on the other mill, appended after the findings: once alerting has opened
  // its alert, it has read past the findings too (the embedded log is one ordered partition).
  const now = new Date().toISOString();
  await twinlog.infra.log.append(
    stampEvents(
      OTHER,
      [
        {
          type: 'AnomalyDetected',
          occurredAt: now,
          data: {
            episodeId: `ep-${OTHER}`,
            detector: 'limits',
            properties: ['temperature'],
            score: 0.95,
            severity: 'alarm',
            evidence: [{ property: 'temperature', observed: 95, expectedHigh: 65 }],
          },
        },
      ],
      { commandId: `ep-${OTHER}`, correlationId: 'c', causationId: null, producer: 'anomaly', now },
    ),
  );
  const alerts = await until('/v1/alerts', (a) => a.json?.alerts?.length >= 1);
  expect(alerts.json.alerts.map((a: { subject: string }) => a.subject)).toEqual([OTHER]);
  expect(JSON.stringify(alerts.json)).not.toMatch(/second-opinion|ai-second-opinion/);

  // Never among the twin's anomalies; counted by the worker.
  const mill = await call(`/v1/twins/${MILL}`, admin);
  expect(mill.json.activeAnomalies).toEqual({});
  const worker = await call('/v1/worker', admin);
  expect(worker.status).toBe(200);
  expect(worker.json.secondOpinion).toMatchObject({
    enabled: true,
    asked: 2,
    possibleAnomalies: 2,
    findingsAppended: 2,
  });
});

it("shows a twin's AI findings only to keys of its site", async () => {
  const ownSite = await newKey('viewer', ['plant-a']);
  const otherSite = await newKey('viewer', ['plant-b']);
  const trail = `/v1/twins/${MILL}/events?types=AiFindingRecorded`;
  expect((await call(trail, ownSite)).json.events).toHaveLength(2);
  expect((await call(trail, otherSite)).status).toBe(404);
  const anonymous = await fetch(`${twinlog.url}${trail}`);
  expect(anonymous.status).toBe(401);
});
