import { z } from 'zod';

/**
 * The one error envelope of every Twinlog answer that is not a success (HttpErrorFilter, the
 * edge refusals, the gateway's own): a stable code, a plain message, details for the caller.
 */
export const ERROR_BODY = z
  .object({
    error: z.object({
      code: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]*$/)
        .describe(
          'A stable, machine-readable code: the domain codes (libs/domain/src/errors.ts, e.g. TWIN_NOT_FOUND, REVISION_CONFLICT) and the HTTP edge codes (QUERY_INVALID, UNAUTHENTICATED, FORBIDDEN, SITE_FORBIDDEN, RATE_LIMITED, JSON_MALFORMED, BODY_TOO_LARGE, CONTENT_TYPE_UNSUPPORTED, NOT_READY, LOG_UNAVAILABLE, INTERNAL, ...). Each service page (docs/services/*.md) lists its own.',
        ),
      message: z.string().describe('What went wrong, for a person.'),
      details: z
        .record(z.string(), z.unknown())
        .describe(
          "Facts for the caller: `parameter` names a bad query parameter, `problems` lists a body's.",
        ),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ERROR_BODY>;
