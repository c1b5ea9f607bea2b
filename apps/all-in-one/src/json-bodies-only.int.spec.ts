import { gzipSync } from 'node:zlib';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// Every service takes JSON bodies only: a form or text/plain POST is a CORS "simple" request
// any web page can send, so it must be refused (415) and record nothing; compressed bodies are
// refused alike everywhere (docs/running.md).
jest.setTimeout(300_000);

let t: InProcessTwinlog;
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

async function send(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, code: (JSON.parse(text) as ErrorBody).error?.code };
}
type ErrorBody = { error?: { code: string } };
const twin = async (id: string) => {
  const response = await fetch(`${t.url}/v1/twins/${id}`);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  t = await startInProcessTwinlog();
  const registered = await fetch(`${t.url}/v1/twins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      twinId: 'victim',
      twinType: 'cnc-milling-machine',
      commissionedAt: hourAgo,
    }),
  });
  expect(registered.status).toBe(201);
});
afterAll(async () => t?.close());

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const text = { 'content-type': 'text/plain' };

it.each([
  ['a form retire', '/v1/twins/victim/retire', 'reason=csrf', form],
  ['a text/plain retire', '/v1/twins/victim/retire', '{"reason":"csrf"}', text],
  ['a form maintenance record', '/v1/twins/victim/maintenance', 'kind=inspection', form],
  ['a text/plain maintenance record', '/v1/twins/victim/maintenance', '{"kind":"x"}', text],
  ['a form registration', '/v1/twins', 'twinId=csrf-1&twinType=cnc-milling-machine', form],
  ['a text/plain registration', '/v1/twins', '{"twinId":"csrf-1"}', text],
  ['a form simulation', '/v1/simulations', 'twinId=victim', form],
  ['a text/plain dead-letter replay', '/v1/dead-letters/replay', '{}', text],
])('refuses %s with 415 and records nothing', async (_label, path, body, headers) => {
  const before = await twin('victim');
  expect(await send(path, body, headers)).toEqual({
    status: 415,
    code: 'CONTENT_TYPE_UNSUPPORTED',
  });
  expect((await twin('victim')).json).toEqual(before.json);
  expect((await twin('csrf-1')).status).toBe(404);
});

it('refuses a body without a Content-Type', async () => {
  const body = new TextEncoder().encode('{"reason":"csrf"}');
  expect(await send('/v1/twins/victim/retire', body)).toEqual({
    status: 415,
    code: 'CONTENT_TYPE_UNSUPPORTED',
  });
  expect((await twin('victim')).json['status']).toBe('active');
});

it.each([
  ['twin-state', '/v1/twins/victim/retire', { reason: 'gzip' }],
  ['ingestion', '/v1/readings', [{ twinId: 'victim', property: 'temperature', value: 1 }]],
  ['simulation', '/v1/simulations', { twinId: 'victim' }],
])('refuses a gzip body alike in %s', async (_service, path, body) => {
  const zipped = gzipSync(JSON.stringify(body));
  expect(
    await send(path, zipped, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
  ).toEqual({ status: 415, code: 'CONTENT_ENCODING_UNSUPPORTED' });
  expect((await twin('victim')).json['status']).toBe('active');
});

it('still takes JSON bodies', async () => {
  const retired = await send('/v1/twins/victim/retire', JSON.stringify({ reason: 'end of life' }), {
    'content-type': 'application/json; charset=utf-8',
  });
  expect(retired.status).toBeLessThan(300);
  expect((await twin('victim')).json['status']).toBe('retired');
});
