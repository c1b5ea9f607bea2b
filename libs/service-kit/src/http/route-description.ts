import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/**
 * What a route answers, for the API's OpenAPI document (issue 19). The query parameters come
 * from the route's `@QueryParams(schema)`; the body and the answer are the zod schemas the route
 * itself parses with (or, for answers, the schema its answer is checked against in tests), so
 * the document cannot drift from what is enforced.
 */
export interface RouteDescription {
  /** One line, as a person would say it: "List the twins". */
  summary: string;
  /** More, when it helps (Markdown). */
  description?: string;
  /** The request body's schema, when the route takes one. */
  body?: z.ZodType;
  /** The success answer's schema (for a stream, the schema of one message's data). */
  response?: z.ZodType;
  /** The success status: 200 unless given. */
  status?: number;
  /** The answer's media type when it is not JSON (`text/event-stream`). */
  mediaType?: string;
}

export const ROUTE_DESCRIPTION = 'twinlog:route-description';

/** Describes a route for the OpenAPI document: `@Describe({ summary, response })`. */
export const Describe = (description: RouteDescription) =>
  SetMetadata(ROUTE_DESCRIPTION, description);
