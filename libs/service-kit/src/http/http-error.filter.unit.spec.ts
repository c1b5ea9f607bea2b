import { Logger, type ArgumentsHost } from '@nestjs/common';
import { LogUnavailableError } from '../errors/log-unavailable';
import { HttpErrorFilter } from './http-error.filter';

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
