import type { OtherAnswer } from '../http/route-description';
import type { SchemaComponents } from './json-schema';
import type { ApiRoute } from './routes-of';
import { errorAnswer } from './shared-responses';

/**
 * A route's answers by status: its success (and other) answers from its description, the
 * refusals every route of its kind can give (a bad query, authentication, bodies), its own
 * refusals, and the shared 401, 429, 5XX and edge refusals, each error in the one envelope.
 */
export function responses(route: ApiRoute, components: SchemaComponents): Record<string, unknown> {
  const d = route.description;
  const answer = (a: OtherAnswer) =>
    a.schema
      ? {
          description: a.description,
          content: {
            [a.mediaType ?? 'application/json']: { schema: components.toJson(a.schema, 'output') },
          },
        }
      : errorAnswer(a.description);
  const out: Record<string, unknown> = {
    [String(route.status)]: d.response
      ? answer({
          description: d.summary,
          schema: d.response,
          ...(d.mediaType ? { mediaType: d.mediaType } : {}),
        })
      : { description: d.summary },
  };
  for (const [status, other] of Object.entries(d.also ?? {})) out[status] = answer(other);
  const refusals = new Map<number, string[]>();
  const refuse = (status: number, text: string) =>
    refusals.set(status, [...(refusals.get(status) ?? []), text]);
  const body = route.method !== 'get';
  if (route.access !== 'public') {
    refuse(
      400,
      'QUERY_INVALID: a query parameter is unknown, repeated or not of its kind (`details.parameter` names it); PATH_INVALID: a path segment is not valid percent-encoding',
    );
    if (body) refuse(400, 'JSON_MALFORMED: the body is not JSON');
    refuse(
      403,
      `FORBIDDEN: the caller's role is below ${route.access.role}${route.access.allSites ? '; SITE_FORBIDDEN: the caller is not of every site' : ''}${body ? '; CROSS_SITE_REFUSED: a change sent by another web site' : ''}`,
    );
    if (body) {
      refuse(413, 'BODY_TOO_LARGE: the body is larger than the service takes');
      refuse(415, 'CONTENT_TYPE_UNSUPPORTED: the body is not JSON; CONTENT_ENCODING_UNSUPPORTED');
    }
  }
  for (const [status, codes] of Object.entries(d.errors ?? {})) refuse(Number(status), codes);
  for (const [status, texts] of [...refusals].sort(([a], [b]) => a - b))
    out[String(status)] = errorAnswer(texts.join('; '));
  if (route.access !== 'public') {
    out['401'] = { $ref: '#/components/responses/Unauthenticated' };
    out['429'] = { $ref: '#/components/responses/RateLimited' };
  }
  out['5XX'] = { $ref: '#/components/responses/ServerError' };
  out['default'] = { $ref: '#/components/responses/EdgeRefusal' };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
