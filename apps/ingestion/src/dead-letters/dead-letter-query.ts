import { z } from 'zod';
import { HttpProblem, PageCursor, pagingParams, q } from '@twinlog/service-kit';
import { DEAD_LETTER_CODES } from './dead-letter-view';

/** A dead letter's id: its offset in the dead-letter log ("12"), or "partition-offset". */
export const DEAD_LETTER_ID = /^(?:\d{1,6}-)?\d{1,15}$/;

const code = q.oneOf(DEAD_LETTER_CODES as unknown as readonly [string, ...string[]]);
const id = z.string().regex(DEAD_LETTER_ID, 'must be a dead letter id (a number)');

/** GET /v1/dead-letters: read by the shared query guard (`@QueryParams`). */
export const LIST_QUERY = z.object({
  code: code.optional(),
  from: q.time().optional(),
  ...pagingParams(),
});
/** A page of dead letters continues after a letter's id. */
export const DEAD_LETTERS_CURSOR = new PageCursor('dead-letters', id);
export type ListQuery = z.infer<typeof LIST_QUERY>;

/** The replay body: its `since` goes through the same strict time parser as every query. */
export const replayBody = z.strictObject({
  code: code.optional(),
  since: q.time().optional(),
  ids: z.array(id).min(1).max(10_000).optional(),
  by: z.string().min(1).max(100).optional(),
});

/** Parses the replay body, or throws a 400 naming the first bad parameter. */
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
