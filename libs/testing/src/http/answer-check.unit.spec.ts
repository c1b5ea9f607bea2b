import { AnswerCheck, type DescribedApi } from './answer-check';

const ERROR = {
  type: 'object',
  properties: { error: { type: 'object', required: ['code'] } },
  required: ['error'],
};
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const document: DescribedApi = {
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          '200': json({ $ref: '#/components/schemas/Thing' }),
          '404': json(ERROR),
          '5XX': { $ref: '#/components/responses/Failure' },
        },
      },
    },
    '/v1/things/special': { get: { responses: { '200': json({ const: 'special' }) } } },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
        required: ['id'],
        additionalProperties: false,
      },
    },
    responses: { Failure: json(ERROR) },
  },
};

describe('checking answers against an OpenAPI document', () => {
  const check = new AnswerCheck([document]);
  const get = (path: string, status: number, body: unknown) =>
    check.check({ method: 'GET', path, status, body: JSON.stringify(body) });

  it('passes answers as described, by status, range and reference', () => {
    expect(get('/v1/things/a', 200, { id: 'a', at: '2026-01-01T00:00:00Z' })).toBeUndefined();
    expect(get('/v1/things/a', 404, { error: { code: 'X' } })).toBeUndefined();
    expect(get('/v1/things/a', 503, { error: { code: 'NOT_READY' } })).toBeUndefined();
    expect(get('/v1/things/special', 200, 'special')).toBeUndefined();
    expect(get('/elsewhere', 200, {})).toBeUndefined();
  });

  it('names what does not match: a field too many, a bad format, an undescribed status', () => {
    expect(get('/v1/things/a', 200, { id: 'a', extra: 1 })).toMatch(
      /GET \/v1\/things\/a answered 200[^]*must NOT have additional properties/,
    );
    expect(get('/v1/things/a', 200, { id: 'a', at: 'yesterday' })).toMatch(/must match format/);
    expect(get('/v1/things/a', 409, { error: { code: 'X' } })).toMatch(/no answer 409/);
    expect(get('/v1/things/a', 503, { status: 'down' })).toMatch(
      /must have required property 'error'/,
    );
    expect(get('/v1/things/special', 200, { id: 'special' })).toMatch(/must be equal to constant/);
  });

  it('allows an answer by `default` only for the edge statuses it is given', () => {
    const withDefault: DescribedApi = {
      paths: {
        '/v1/x': { get: { responses: { '200': json({}), default: json(ERROR) } } },
      },
    };
    const strict = new AnswerCheck([withDefault], [405, 421]);
    const body = JSON.stringify({ error: { code: 'X' } });
    expect(strict.check({ method: 'GET', path: '/v1/x', status: 421, body })).toBeUndefined();
    expect(strict.check({ method: 'GET', path: '/v1/x', status: 404, body })).toMatch(
      /answer 404 is described only by `default`/,
    );
    expect(
      new AnswerCheck([withDefault]).check({ method: 'GET', path: '/v1/x', status: 404, body }),
    ).toBeUndefined();
  });

  it('passes an answer that one of several documents allows', () => {
    const other: DescribedApi = {
      paths: { '/v1/things/{id}': { get: { responses: { '200': json({ type: 'object' }) } } } },
    };
    const both = new AnswerCheck([document, other]);
    expect(
      both.check({ method: 'GET', path: '/v1/things/a', status: 200, body: '{"extra":1}' }),
    ).toBeUndefined();
  });
});
