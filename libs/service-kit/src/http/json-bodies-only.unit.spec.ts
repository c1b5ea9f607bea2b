import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonBodiesOnly } from './json-bodies-only';

function run(
  headers: Record<string, string>,
  url = '/v1/twins',
  typeCheckedBy?: string[],
  method = 'POST',
) {
  const req = { headers, url, method, resume: jest.fn() } as unknown as IncomingMessage;
  let body = '';
  const res = {
    statusCode: 200,
    setHeader: jest.fn(),
    end: (text: string) => (body = text),
  } as unknown as ServerResponse;
  let passed = false;
  jsonBodiesOnly({ alsoAccepted: ['application/x-ndjson'], typeCheckedBy })(req, res, () => {
    passed = true;
  });
  return passed
    ? 'next'
    : `${res.statusCode} ${(JSON.parse(body) as { error: { code: string } }).error.code}`;
}

const body = { 'content-length': '10' };

it.each([
  [{ ...body, 'content-type': 'application/json' }, 'next'],
  [{ ...body, 'content-type': 'Application/JSON; charset=utf-8' }, 'next'],
  [{ ...body, 'content-type': 'application/x-ndjson' }, 'next'],
  [{}, 'next'],
  [{ 'content-length': '0', 'content-type': 'application/json' }, 'next'],
  // A state change needs no body to act (POST /v1/admin/rebuild/:id): a simple type is refused.
  [{ 'content-length': '0', 'content-type': 'text/plain' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [{ 'content-type': 'application/x-www-form-urlencoded' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [
    { ...body, 'content-type': 'application/x-www-form-urlencoded' },
    '415 CONTENT_TYPE_UNSUPPORTED',
  ],
  [{ ...body, 'content-type': 'multipart/form-data; boundary=x' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [{ ...body, 'content-type': 'text/plain' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [{ ...body, 'content-type': 'application/jsonx' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [body, '415 CONTENT_TYPE_UNSUPPORTED'],
  [{ 'transfer-encoding': 'chunked' }, '415 CONTENT_TYPE_UNSUPPORTED'],
  [
    { ...body, 'content-length': 'abc', 'content-type': 'text/plain' },
    '415 CONTENT_TYPE_UNSUPPORTED',
  ],
  [
    { ...body, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    '415 CONTENT_ENCODING_UNSUPPORTED',
  ],
  [{ ...body, 'content-type': 'application/json', 'content-encoding': 'identity' }, 'next'],
])('%j -> %s', (headers, outcome) => {
  expect(run(headers)).toBe(outcome);
});

it.each(['GET', 'HEAD', 'OPTIONS'])('lets a %s without a body say any type', (method) => {
  expect(run({ 'content-type': 'text/plain' }, '/v1/twins', undefined, method)).toBe('next');
});

it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
  'refuses a %s without a body that says it is text/plain',
  (method) => {
    expect(run({ 'content-type': 'text/plain' }, '/v1/admin/rebuild/x', undefined, method)).toBe(
      '415 CONTENT_TYPE_UNSUPPORTED',
    );
  },
);

it('leaves the type check to a route that does it itself, but not the encoding', () => {
  const form = { ...body, 'content-type': 'text/plain' };
  expect(run(form, '/v1/readings?x=1', ['/v1/readings'])).toBe('next');
  expect(run({ ...form, 'content-encoding': 'gzip' }, '/v1/readings', ['/v1/readings'])).toBe(
    '415 CONTENT_ENCODING_UNSUPPORTED',
  );
});
