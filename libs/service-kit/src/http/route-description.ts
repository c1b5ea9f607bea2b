import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** Another answer of a route than its success one: a 207 of a mixed batch, a 202 job. */
export interface OtherAnswer {
  description: string;
  /** The body's schema; an error envelope when omitted. */
  schema?: z.ZodType;
  mediaType?: string;
}

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
  /**
   * Request headers the route reads beyond the credential's (`Last-Event-ID`), by name: their
   * schema (with its description) and whether they must be sent.
   */
  headers?: Record<string, { schema: z.ZodType; description: string; required?: boolean }>;
  /** The request body's schema, when the route takes one. */
  body?: z.ZodType;
  /** The request body's media types when not JSON alone (readings also take NDJSON). */
  bodyMediaTypes?: string[];
  /** The success answer's schema (for a stream, the schema of one message's data). */
  response?: z.ZodType;
  /** The success status: 200 unless given (or the route's `@HttpCode`). */
  status?: number;
  /** The answer's media type when it is not JSON (`text/event-stream`). */
  mediaType?: string;
  /** Answers beside the success one, by status. */
  also?: Record<number, OtherAnswer>;
  /**
   * The refusals this route gives beyond those of every route (400 for a bad query, 401, 403,
   * 429, 5XX), by status, naming the codes: `{ 404: 'TWIN_NOT_FOUND' }`.
   */
  errors?: Record<number, string>;
}

export const ROUTE_DESCRIPTION = 'twinlog:route-description';

/** Describes a route for the OpenAPI document: `@Describe({ summary, response })`. */
export const Describe = (description: RouteDescription) =>
  SetMetadata(ROUTE_DESCRIPTION, description);

/** The description a route handler was given, if any. */
export function describedRoute(handler: object): RouteDescription | undefined {
  return Reflect.getMetadata(ROUTE_DESCRIPTION, handler) as RouteDescription | undefined;
}
