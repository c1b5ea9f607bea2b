import { q, type Principal, maySee } from '@twinlog/service-kit';
import { z } from 'zod';
import { namesHidden } from '../queries/relatives';
import { ID_PATTERN, MAX_ID_LENGTH } from './stream-cursor';
import { STREAM_MESSAGE_TYPES, type StreamMessage, type StreamMessageType } from './stream-message';

/** A stream id as a client sends it back (header or query), as the OpenAPI document shows it. */
export const STREAM_ID_TEXT = z.string().meta({
  description:
    'A stream id this stream gave (a log position): resume after it, with no gap and no duplicate',
  pattern: ID_PATTERN,
  maxLength: MAX_ID_LENGTH,
});

/** `GET /v1/stream`'s query parameters (docs/services/stream.md). */
export const STREAM_QUERY = z
  .object({
    twin: q.twinId().optional(),
    subtree: q.bool().default(false),
    site: q.text().optional(),
    types: q.listOf(STREAM_MESSAGE_TYPES).optional(),
    // For clients that cannot set the Last-Event-ID header (the header wins when both are sent).
    // The shape is checked by the route (400 STREAM_ID_INVALID); the document shows it.
    lastEventId: STREAM_ID_TEXT.optional(),
    after: STREAM_ID_TEXT.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.subtree && query.twin === undefined)
      ctx.addIssue({ code: 'custom', path: ['subtree'], message: 'needs twin (the subtree root)' });
    if (query.lastEventId !== undefined && query.after !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['after'],
        message: 'give lastEventId or after, not both',
      });
  });
export type StreamQuery = z.infer<typeof STREAM_QUERY>;

/**
 * What one client is sent: where it is indexed (`key`, so that a message is matched against
 * the few clients that can want it) and the checks left (`accepts`).
 */
export interface StreamFilter {
  key:
    | { by: 'twin'; twinId: string }
    | { by: 'subtree'; twinId: string }
    | { by: 'site'; site: string }
    | { by: 'all' };
  accepts(message: StreamMessage): boolean;
}

export function streamFilter(query: StreamQuery, caller: Principal): StreamFilter {
  const types = query.types ? new Set<StreamMessageType>(query.types) : undefined;
  const { site } = query;
  const key: StreamFilter['key'] =
    query.twin !== undefined
      ? { by: query.subtree ? 'subtree' : 'twin', twinId: query.twin }
      : site !== undefined
        ? { by: 'site', site }
        : { by: 'all' };
  const see = (s: string | null) => maySee(caller, s);
  return {
    key,
    accepts: (m) =>
      about(key, m) &&
      (types === undefined || types.has(m.type)) &&
      (site === undefined || m.site === site) &&
      see(m.site) &&
      // The same rule as the audit trail's: no event naming a relative the caller cannot see.
      !namesHidden(m.event, see, (id) => m.relativeSites?.get(id) ?? null),
  };
}

/**
 * Whether a message is about the twin (or subtree) a filter names. The live clients are found
 * through an index by the same rule; a client catching up from the window or the log is not,
 * so the filter says it too.
 */
function about(key: StreamFilter['key'], m: StreamMessage): boolean {
  if (key.by === 'twin') return m.twins.includes(key.twinId);
  if (key.by === 'subtree') return m.twins.includes(key.twinId) || m.ancestors.includes(key.twinId);
  return true;
}
