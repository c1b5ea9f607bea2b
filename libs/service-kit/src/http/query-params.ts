import {
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  applyDecorators,
} from '@nestjs/common';
import { bounded, parseIsoTime, TWIN_ID } from '@twinlog/domain';
import { z } from 'zod';
import { HttpProblem } from './http-problem';

/**
 * The one way an HTTP route reads its query string. A route declares its parameters with
 * `@QueryParams(schema)`; QueryGuard (global in every service) parses `req.query` with it before
 * the handler runs and puts the typed result back, so `@Query()` gives parsed values. A route
 * without the decorator takes no query parameters. Any problem is 400 `QUERY_INVALID` with
 * `details.parameter` naming the parameter: an unknown parameter, one given twice, a value that
 * is not of its kind, an inverted range. Never an empty 200 for a question that was not asked.
 */
export type QuerySchema = z.ZodObject<z.ZodRawShape>;

const QUERY_SCHEMA = 'twinlog:query-schema';
const NO_PARAMETERS: QuerySchema = z.object({});

export const QueryParams = (schema: QuerySchema) =>
  applyDecorators(SetMetadata(QUERY_SCHEMA, schema));

/** The query schema a route handler declared (for the OpenAPI document); none takes none. */
export function queryParamsOf(handler: object): QuerySchema | undefined {
  return Reflect.getMetadata(QUERY_SCHEMA, handler) as QuerySchema | undefined;
}

export class QueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const schema =
      (Reflect.getMetadata(QUERY_SCHEMA, context.getHandler()) as QuerySchema | undefined) ??
      NO_PARAMETERS;
    const req = context.switchToHttp().getRequest<{ query: unknown; url?: string }>();
    refuseUndecodable(req.url ?? '');
    const parsed = parseQuery(schema, req.query ?? {});
    // Express 5 defines `query` as a getter: shadow it with the parsed value.
    Object.defineProperty(req, 'query', { value: parsed, writable: true, configurable: true });
    return true;
  }
}

/** The 400 of a query parameter, for the checks a schema cannot make (a type the catalogue lacks). */
export function queryInvalid(parameter: string, message: string, more: object = {}): HttpProblem {
  return new HttpProblem(400, 'QUERY_INVALID', message, { parameter: bounded(parameter), ...more });
}

/**
 * The query parser keeps a value it cannot percent-decode as raw text (`%E0%A4%A` would be
 * looked up as is and match nothing): refuse it, naming the parameter.
 */
function refuseUndecodable(url: string): void {
  const at = url.indexOf('?');
  if (at < 0) return;
  for (const pair of url.slice(at + 1).split('&')) {
    const [name = '', ...rest] = pair.split('=');
    const value = rest.join('=');
    const readable = decodes(name) ? decodeURIComponent(name.replace(/\+/g, ' ')) : name;
    if (!decodes(name) || !decodes(value))
      throw queryInvalid(readable, `${bounded(readable)}: not valid percent-encoding (UTF-8)`);
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** Parses a query object (`name -> string | string[]`) with the route's schema. */
export function parseQuery<S extends QuerySchema>(schema: S, raw: unknown): z.infer<S> {
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const names = Object.keys(given);
  const allowed = Object.keys(schema.shape);
  const unknown = names.filter((n) => !Object.hasOwn(schema.shape, n));
  if (unknown.length > 0) {
    const takes = allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes none';
    throw queryInvalid(
      unknown[0]!,
      `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map((n) => JSON.stringify(bounded(n)))
        .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}: ${takes}`,
      { unknown: unknown.slice(0, 20).map((n) => bounded(n)) },
    );
  }
  for (const name of names) {
    if (typeof given[name] !== 'string') {
      throw queryInvalid(name, `${name} must be given once, as a single value`);
    }
  }
  const result = schema.safeParse(given);
  if (result.success) return result.data as z.infer<S>;
  const issue = result.error.issues[0]!;
  const parameter = String(issue.path[0] ?? names[0] ?? 'query');
  throw queryInvalid(parameter, `${parameter}: ${issue.message}`);
}

/** A page's size unless `limit` says (docs/api-conventions.md; paging.ts). */
export const PAGE_DEFAULT = 100;
/** The largest page a list gives unless its service configures a smaller one. */
export const PAGE_MAX = 1_000;
/** A cursor's text: the base64url this API writes, of a bounded length. */
export const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,1024}$/;

/** Builders for query parameters: each takes the raw text and yields a typed value. */
export const q = {
  /** An ISO 8601 time with a zone, normalised to UTC (`...Z`). */
  time: () =>
    z
      .string()
      .describe('An ISO 8601 time with a zone (a real calendar date, 1970-9999)')
      .transform((text, ctx) => {
        // The domain's one strict parser: 31 November or 25:00 do not roll over.
        const parsed = parseIsoTime(text);
        if (parsed.ok) return parsed.iso;
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      }),
  /** A whole number in [min, max]. */
  int: (min: number, max = Number.MAX_SAFE_INTEGER) =>
    z
      .string()
      .describe(`A whole number from ${min} to ${max}`)
      .regex(/^-?\d{1,16}$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`),
  /** `true` or `false`, nothing else. */
  bool: () =>
    z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
  /** One of the given words. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),
  /** A comma-separated list of the given words, each at most once. */
  listOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z
      .string()
      .describe(`A comma-separated list of ${values.join(', ')}, each at most once`)
      .transform((text) => text.split(','))
      .pipe(
        z
          .array(z.enum(values, { error: `each must be one of ${values.join(', ')}` }))
          .refine((l) => new Set(l).size === l.length, 'names a value twice'),
      ),
  /** A twin id (the alphabet TWIN_ID allows). */
  twinId: () =>
    z
      .string()
      .describe('A twin id')
      .regex(TWIN_ID, 'must be a twin id (1-128 letters, digits, . _ : -)'),
  /** A page size: a whole number from 1 to `max` (default PAGE_DEFAULT, applied by pageLimit). */
  limit: (max = PAGE_MAX) =>
    z
      .string()
      .regex(/^\d{1,7}$/, `must be a whole number from 1 to ${max}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, `must be a whole number from 1 to ${max}`)
      .describe(`The page size, 1 to ${max} (default ${Math.min(PAGE_DEFAULT, max)})`),
  /** A cursor: the `next` of a previous page, decoded by the list's PageCursor. */
  cursor: () =>
    z
      .string()
      .regex(CURSOR_TEXT, 'must be the `next` of a previous page')
      .describe('The `next` of the previous page; left out for the first page'),
  /** Free text of 1 to `max` characters. */
  text: (max = 200) =>
    z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`),
};

/**
 * A range check for a schema's superRefine: `from` strictly before `to` when both are given
 * (an inverted or empty range is a question with no possible answer).
 */
export function orderedRange(from = 'from', to = 'to') {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const a = value[from];
    const b = value[to];
    if (typeof a === 'string' && typeof b === 'string' && !(a < b)) {
      ctx.addIssue({
        code: 'custom',
        path: [from],
        message: `must be before ${to} (${a} is not before ${b})`,
      });
    }
  };
}
