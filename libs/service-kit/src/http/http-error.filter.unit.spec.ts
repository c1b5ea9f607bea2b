import { Logger, type ArgumentsHost } from '@nestjs/common';
import { LogUnavailableError } from '../errors/log-unavailable';
import { TwinlogError } from '@twinlog/domain';
import { describeError, HttpErrorFilter } from './http-error.filter';

// A client that goes away mid-body (Node's "aborted", body-parser's "request aborted") is no
// error of the service: no 500, no error log line, the socket freed.
function hostFor() {
  const response: { status: jest.Mock; [k: string]: unknown } = {
    headersSent: false,
    status: jest.fn((): unknown => response),
    setHeader: jest.fn(),
    json: jest.fn(),
    destroy: jest.fn(),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, response };
}

afterEach(() => jest.restoreAllMocks());

it.each([
  [
    'Node (ingestion reads the body itself)',
    Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
  ],
  [
    'body-parser (the other services)',
    Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 }),
  ],
])('treats a client abort from %s as no error', (_source, error) => {
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  const { host, response } = hostFor();
  new HttpErrorFilter().catch(error, host);
  expect(logged).not.toHaveBeenCalled();
  expect(response.status).not.toHaveBeenCalled();
  expect(response.destroy).toHaveBeenCalled();
});

it('still answers and logs a real failure as a 500', () => {
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  const { host, response } = hostFor();
  new HttpErrorFilter().catch(new Error('boom'), host);
  expect(logged).toHaveBeenCalled();
  expect(response.status).toHaveBeenCalledWith(500);
});

it('answers a write the log did not take with 503 LOG_UNAVAILABLE and Retry-After, unlogged', () => {
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  const { host, response } = hostFor();
  new HttpErrorFilter(7).catch(new LogUnavailableError(new Error('broker down')), host);
  expect(logged).not.toHaveBeenCalled();
  expect(response.status).toHaveBeenCalledWith(503);
  expect(response['setHeader']).toHaveBeenCalledWith('Retry-After', '7');
  expect(response['json']).toHaveBeenCalledWith({
    error: {
      code: 'LOG_UNAVAILABLE',
      message:
        'the event log did not acknowledge: broker down; nothing was recorded, retry after 7 s',
      details: {},
    },
  });
});

describe('the AI errors (issue 22)', () => {
  it.each([
    [
      'the deadline',
      new TwinlogError('AI_UNAVAILABLE', 'did not answer within the deadline', {
        reason: 'timeout',
      }),
    ],
    [
      'the caller leaving',
      new TwinlogError('AI_UNAVAILABLE', 'the caller left', { reason: 'cancelled' }),
    ],
    ['a full queue', new TwinlogError('AI_BUSY', 'busy', { retryAfterSeconds: 5 })],
    [
      'the per-caller rate',
      new TwinlogError('AI_RATE_LIMITED', 'too many', { retryAfterSeconds: 60 }),
    ],
    ['an invalid answer', new TwinlogError('AI_ANSWER_INVALID', 'invalid twice', { problems: [] })],
  ])('logs %s at warn, one line without a stack, never as an error', (_what, error) => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { host, response } = hostFor();
    new HttpErrorFilter().catch(error, host);
    expect(errors).not.toHaveBeenCalled();
    expect(warned).toHaveBeenCalledTimes(1);
    const line = String(warned.mock.calls[0]![0]);
    expect(line).toContain(`${error.code}: ${error.message}`);
    expect(line).not.toMatch(/\n\s+at /);
    expect(response.status).toHaveBeenCalled();
  });

  it('says when to come back: Retry-After from details.retryAfterSeconds, rounded up', () => {
    const busy = describeError(new TwinlogError('AI_BUSY', 'busy', { retryAfterSeconds: 4.2 }));
    expect(busy).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    const spent = describeError(
      new TwinlogError('AI_BUDGET_EXHAUSTED', 'spent', { retryAfterSeconds: 3600 }),
    );
    expect(spent).toMatchObject({ status: 429, headers: { 'Retry-After': '3600' } });
  });

  it('maps each AI code to its status, and adds no Retry-After where none applies', () => {
    const statuses = (
      [
        ['AI_OFF', 503],
        ['AI_UNAVAILABLE', 502],
        ['AI_ANSWER_INVALID', 502],
        ['SCENARIO_NOT_SIMULABLE', 422],
        ['EXPLANATION_NOT_FOUND', 404],
        ['ANOMALY_NOT_FOUND', 404],
      ] as const
    ).map(([code]) => {
      const { status, headers } = describeError(
        new TwinlogError(code, 'x', { retryAfterSeconds: 9 }),
      );
      return [code, status, headers['Retry-After']];
    });
    expect(statuses).toEqual([
      ['AI_OFF', 503, undefined],
      ['AI_UNAVAILABLE', 502, undefined],
      ['AI_ANSWER_INVALID', 502, undefined],
      ['SCENARIO_NOT_SIMULABLE', 422, undefined],
      ['EXPLANATION_NOT_FOUND', 404, undefined],
      ['ANOMALY_NOT_FOUND', 404, undefined],
    ]);
  });
});
