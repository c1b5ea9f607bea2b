import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from './commands/api-client';
import type { ExplanationView } from '@twinlog/domain';
import { explainCommand, explanationText } from './commands/explain.command';

const EXPLANATION: ExplanationView = {
  episodeId: 'mill-1:temperature:zscore:r-1',
  anomalyEventId: 'evt-1/0',
  twinId: 'mill-1',
  eventId: 'evt-9/0',
  explainedAt: '2026-12-06T12:00:00.000Z',
  actor: 'key:maria',
  summary: 'The spindle ran hot.\u001b[2J\u001b]0;owned\u0007',
  likelyCauses: [{ cause: 'Coolant flow dropped', why: 'temperature rose with speed flat' }],
  checkFirst: ['coolant pump'],
  model: 'local-llama',
  promptVersion: 'explain/1',
  anomaly: {
    detector: 'zscore',
    properties: ['temperature'],
    severity: 'alarm',
    detectedAt: '2026-12-06T11:00:00.000Z',
    clearedAt: null,
  },
};

const AI_OFF = {
  error: {
    code: 'AI_OFF',
    message: 'AI is off: set OPENAI_API_KEY (and OPENAI_BASE_URL ...) and restart; see docs/ai.md',
  },
};

describe('twinlog explain', () => {
  let base: string;
  const seen: Array<{ method: string; url: string }> = [];
  let reply: (req: IncomingMessage, res: ServerResponse) => void;
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url! });
    req.resume();
    req.on('end', () => reply(req, res));
  });
  const send = (status: number, body: unknown) => (_: IncomingMessage, res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
  });

  it('asks for the explanation (POST, the id encoded) when none is recorded, and prints it without control characters', async () => {
    reply = (req, res) =>
      req.method === 'GET'
        ? send(404, { error: { code: 'EXPLANATION_NOT_FOUND', message: 'none yet' } })(req, res)
        : send(201, EXPLANATION)(req, res);
    const lines: string[] = [];
    expect(await explainCommand(base, [EXPLANATION.episodeId], (l) => lines.push(l))).toBe(0);
    expect(seen).toEqual([
      { method: 'GET', url: '/v1/anomalies/mill-1%3Atemperature%3Azscore%3Ar-1/explanation' },
      { method: 'POST', url: '/v1/anomalies/mill-1%3Atemperature%3Azscore%3Ar-1/explanation' },
    ]);
    const text = lines.join('\n');
    expect(text).toContain('alarm zscore anomaly on mill-1 (temperature)');
    expect(text).toContain('asked by key:maria');
    expect(text).toContain('  1. Coolant flow dropped: temperature rose with speed flat');
    expect(text).toContain('  - coolant pump');
    // eslint-disable-next-line no-control-regex -- none may reach the terminal
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('--refresh asks for a new one; --json prints the answer as it came', async () => {
    reply = send(201, EXPLANATION);
    const lines: string[] = [];
    await explainCommand(base, ['--refresh', 'ep-1', '--json'], (l) => lines.push(l));
    expect(seen[0]!.url).toBe('/v1/anomalies/ep-1/explanation?refresh=true');
    expect(JSON.parse(lines.join('\n'))).toEqual(EXPLANATION);
  });

  it('prints a recorded explanation without asking the model, so it works with AI off and for a viewer', async () => {
    reply = (req, res) =>
      req.method === 'GET' ? send(200, EXPLANATION)(req, res) : send(503, AI_OFF)(req, res);
    const lines: string[] = [];
    expect(await explainCommand(base, ['ep-1'], (l) => lines.push(l))).toBe(0);
    expect(seen.map((s) => s.method)).toEqual(['GET']);
    expect(lines.join('\n')).toContain('  - coolant pump');
  });

  it('AI off: the service says so and how to turn it on, exit 2; no such anomaly: exit 1', async () => {
    reply = (req, res) =>
      req.method === 'GET'
        ? send(404, { error: { code: 'EXPLANATION_NOT_FOUND', message: 'none yet' } })(req, res)
        : send(503, AI_OFF)(req, res);
    const off = await explainCommand(base, ['ep-1'], () => undefined).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(CliError);
    expect((off as CliError).exitCode).toBe(2);
    expect((off as CliError).message).toContain('AI_OFF: AI is off: set OPENAI_API_KEY');
    reply = send(404, { error: { code: 'ANOMALY_NOT_FOUND', message: 'No anomaly episode "x"' } });
    const missing = await explainCommand(base, ['x'], () => undefined).catch((e: unknown) => e);
    expect((missing as CliError).exitCode).toBe(1);
  });

  it('refuses a missing id, two ids or an unknown option before asking anything', async () => {
    for (const args of [[], ['a', 'b'], ['a', '--twin']]) {
      const error = await explainCommand(base, args, () => undefined).catch((e: unknown) => e);
      expect((error as CliError).exitCode).toBe(2);
    }
    expect(seen).toHaveLength(0);
  });

  it('prints a cleared episode with its span and no empty sections', () => {
    const lines = explanationText({
      ...EXPLANATION,
      actor: null,
      likelyCauses: [],
      checkFirst: [],
      anomaly: { ...EXPLANATION.anomaly, clearedAt: '2026-12-06T11:30:00.000Z' },
    });
    expect(lines[0]).toContain('2026-12-06T11:00:00.000Z to 2026-12-06T11:30:00.000Z');
    expect(lines.join('\n')).not.toMatch(/Likely causes|Check first|asked by/);
  });
});
