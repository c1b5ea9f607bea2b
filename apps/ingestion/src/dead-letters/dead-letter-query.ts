import { z } from 'zod';
import { HttpProblem } from '@twinlog/service-kit';
import { DEAD_LETTER_CODES } from './dead-letter-view';

/** A dead letter's id: its offset in the dead-letter log ("12"), or "partition-offset". */
export const DEAD_LETTER_ID = /^(?:\d{1,6}-)?\d{1,15}$/;

/** An ISO 8601 instant with a zone, and a real calendar date (no 31 November rolling over). */
const instant = z.iso.datetime({ offset: true }).refine(realCalendarDate, {
  message: 'must be an ISO 8601 date-time with a zone, on a real calendar date',
});

const code = z.enum(DEAD_LETTER_CODES as [string, ...string[]]);
const id = z.string().regex(DEAD_LETTER_ID, 'must be a dead letter id (a number)');

export const listQuery = z.strictObject({
  code: code.optional(),
  since: instant.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: id.optional(),
});

export const replayBody = z.strictObject({
  code: code.optional(),
  since: instant.optional(),
  ids: z.array(id).min(1).max(10_000).optional(),
  by: z.string().min(1).max(100).optional(),
});

/**
 * Parses a query or body, or throws a 400 naming the first bad parameter. (Kept to this one
 * function so it can move to a shared query-schema helper in libs/service-kit.)
 */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const parameter =
    issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.') || what;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown ${what} parameter`
      : issue.code === 'invalid_value'
        ? `must be one of the dead-letter codes (${DEAD_LETTER_CODES.length} known)`
        : issue.message;
  throw new HttpProblem(400, 'QUERY_INVALID', `${what} ${parameter}: ${message}`, {
    parameter: parameter.slice(0, 100),
  });
}

function realCalendarDate(text: string): boolean {
  const [date] = text.split('T');
  const [y, m, d] = (date ?? '').split('-').map(Number);
  const day = new Date(Date.UTC(y!, m! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m! - 1 && day.getUTCDate() === d;
}
