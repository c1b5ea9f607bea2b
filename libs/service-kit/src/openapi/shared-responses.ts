/** Where the error envelope's schema is in the document. */
export const ERROR_REF = '#/components/schemas/Error';

/** An answer in the error envelope, described by the codes it carries. */
export function errorAnswer(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { $ref: ERROR_REF } } } };
}

/** The refusals every route shares, each once in the document's components. */
export function sharedResponses(): Record<string, unknown> {
  return {
    Unauthenticated: {
      ...errorAnswer(
        'UNAUTHENTICATED: no credential, or one that is unknown, revoked, expired or malformed (X-Api-Key or Authorization: Bearer)',
      ),
      headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
    },
    RateLimited: {
      ...errorAnswer(
        "RATE_LIMITED: the caller's request rate is above its limit; retry after the time given",
      ),
      headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 } } },
    },
    ServerError: {
      ...errorAnswer(
        '503 NOT_READY (the service is still starting), LOG_UNAVAILABLE (the log did not take a write: nothing was recorded) or INDEX_CATCHING_UP, each with Retry-After; 502 SERVICE_UNAVAILABLE: the gateway could not reach the service; 500 INTERNAL: a defect, logged',
      ),
      headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 } } },
    },
    EdgeRefusal: errorAnswer(
      'A refusal before any route: 421 HOST_NOT_ALLOWED (a Host the installation is not named by), 405 METHOD_NOT_ALLOWED (with Allow), 408 REQUEST_TIMEOUT, 431 HEADERS_TOO_LARGE, 400 REQUEST_MALFORMED (not HTTP/1.1)',
    ),
  };
}
