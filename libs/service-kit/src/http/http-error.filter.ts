import {
  Catch,
  HttpException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { boundedError, isTwinlogError, type TwinlogError } from '@twinlog/domain';
import { IndexBehindError, StaleIndexError } from '@twinlog/event-log';
import { LogUnavailableError } from '../errors/log-unavailable';
import { isClientAbort } from './client-abort';
import { HttpProblem, RETRY_AFTER_CODES, STATUS_OF_CODE } from './http-problem';
import { methodsAt, type RoutedRequest } from './route-methods';

interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
  headersSent?: boolean;
  destroy?(): void;
}

/**
 * Every HTTP error leaves as `{ error: { code, message, details } }` with a stable code:
 * TwinlogErrors by STATUS_OF_CODE, HttpProblems as they say, Nest's and body-parser's own
 * errors (a body too large, malformed JSON) translated, the log not taking a write a 503 to
 * retry, anything else a 500 that is logged.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  /** `retryAfterSeconds`: the Retry-After of a write the log did not take. */
  constructor(private readonly retryAfterSeconds = 5) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (isClientAbort(error)) {
      // Nobody is left to read an answer: free the socket, and say so only when debugging.
      this.logger.debug(`request aborted by the client: ${(error as Error).message}`);
      return void response.destroy?.();
    }
    if (response.headersSent) return;
    const { status, body, headers } = isNoRoute(error)
      ? noRoute(host.switchToHttp().getRequest<RoutedRequest>())
      : describeError(error, this.retryAfterSeconds);
    if (isAiOutcome(error))
      // The model's deadline, a caller who left, a full queue, a rate or a budget: expected
      // outcomes of asking a model, not the service's failures. One line, no stack.
      this.logger.warn(`${status} ${error.code}: ${error.message}`);
    else if (status >= 500 && status !== 503)
      this.logger.error((error as Error)?.stack ?? String(error));
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    // Whatever built the error, the answer repeats only a bounded part of the input.
    response.status(status).json({ error: boundedError(body) });
  }
}

/** An AI layer's refusal or failure (docs/ai.md) but AI_OFF, which is a setting, not an event. */
function isAiOutcome(error: unknown): error is TwinlogError {
  return isTwinlogError(error) && error.code.startsWith('AI_') && error.code !== 'AI_OFF';
}

/** The HTTP answer for an error: the one place errors are mapped to HTTP. */
export function describeError(
  error: unknown,
  retryAfterSeconds = 5,
): {
  status: number;
  body: { code: string; message: string; details: Record<string, unknown> };
  headers: Record<string, string>;
} {
  if (isTwinlogError(error)) {
    return {
      status: STATUS_OF_CODE[error.code],
      body: error.toJSON(),
      headers: retryAfterOf(error),
    };
  }
  if (error instanceof IndexBehindError || error instanceof StaleIndexError) {
    return {
      status: 503,
      body: { code: 'INDEX_CATCHING_UP', message: error.message, details: {} },
      headers: { 'Retry-After': '5' },
    };
  }
  if (error instanceof LogUnavailableError) {
    return {
      status: 503,
      body: {
        code: 'LOG_UNAVAILABLE',
        message: `${error.message}; nothing was recorded, retry after ${retryAfterSeconds} s`,
        details: {},
      },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    };
  }
  if (error instanceof HttpProblem) {
    const { code, message, details } = error;
    return { status: error.status, body: { code, message, details }, headers: error.headers };
  }
  // body-parser's errors carry a `type` and a status.
  const parser = error as { type?: string; status?: number; limit?: number; message?: string };
  if (parser.type === 'entity.too.large') {
    return problem(
      413,
      'BODY_TOO_LARGE',
      `The request body is larger than the limit of ${parser.limit} bytes`,
    );
  }
  if (parser.type === 'entity.parse.failed') {
    return problem(400, 'JSON_MALFORMED', `The body is not valid JSON: ${parser.message}`);
  }
  // Nest turns body-parser's SyntaxError for a malformed JSON body into a plain 400.
  if (error instanceof HttpException && error.getStatus() === 400 && /JSON/.test(error.message)) {
    return problem(400, 'JSON_MALFORMED', `The body is not valid JSON: ${error.message}`);
  }
  // The router could not percent-decode a path segment (Express' URIError, status 400).
  if (/^Failed to decode param/.test(parser.message ?? '')) {
    return problem(
      400,
      'PATH_INVALID',
      `A path segment is not valid percent-encoding (UTF-8): ${parser.message}`,
    );
  }
  if (error instanceof HttpException) {
    return problem(error.getStatus(), `HTTP_${error.getStatus()}`, error.message);
  }
  return problem(500, 'INTERNAL', 'An unexpected error occurred; it has been logged');
}

/** Nest's own 404 when no route matched (`Cannot GET /x`), not a route's not-found. */
function isNoRoute(error: unknown): boolean {
  return error instanceof NotFoundException && /^Cannot [A-Z]+ /.test(error.message);
}

/**
 * No route took the request: 405 with `Allow` when the path has routes for other methods,
 * else 404 ROUTE_NOT_FOUND.
 */
function noRoute(req: RoutedRequest): ReturnType<typeof describeError> {
  const method = req.method ?? 'GET';
  const path = req.path ?? '/';
  const allowed = methodsAt(req);
  if (allowed.length > 0) {
    return {
      status: 405,
      body: {
        code: 'METHOD_NOT_ALLOWED',
        message: `${method} is not allowed on ${path}: it takes ${allowed.join(', ')}`,
        details: { method, allowed },
      },
      headers: { Allow: allowed.join(', ') },
    };
  }
  return problem(
    404,
    'ROUTE_NOT_FOUND',
    `No route ${method} ${path}: the APIs are under /v1 (docs/api-conventions.md)`,
  );
}

function problem(status: number, code: string, message: string) {
  return { status, body: { code, message, details: {} }, headers: {} };
}

/** Retry-After for the codes that say when to come back (RETRY_AFTER_CODES). */
function retryAfterOf(error: TwinlogError): Record<string, string> {
  const seconds = error.details['retryAfterSeconds'];
  if (!RETRY_AFTER_CODES.has(error.code)) return {};
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return {};
  return { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) };
}
