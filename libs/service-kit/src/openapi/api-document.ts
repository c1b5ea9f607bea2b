import type { z } from 'zod';
import { ERROR_BODY, NEXT } from '../http/paging';
import { PAGE_DEFAULT, PAGE_MAX, q } from '../http/query-params';
import { SchemaComponents } from './json-schema';
import { responses } from './operation-responses';
import type { ApiRoute } from './routes-of';
import { sharedResponses } from './shared-responses';

export type OpenApiDocument = {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
} & Record<string, unknown>;

export interface DocumentOptions {
  title: string;
  version: string;
  description: string;
  /** Tags (groups) in the order the reference lists them, with a line each. */
  tags?: Array<{ name: string; description: string }>;
}

/**
 * The OpenAPI 3.1 document of a set of routes: paths from the routes' own metadata, query
 * parameters, bodies and answers from the zod schemas that validate them, the error envelope
 * shared by every refusal, and the two credentials (ADR 0015) required everywhere but on
 * public routes.
 */
export function apiDocument(routes: ApiRoute[], options: DocumentOptions): OpenApiDocument {
  const components = new SchemaComponents();
  components.toJson(ERROR_BODY, 'output');
  components.toJson(NEXT, 'output');
  // The paging convention (docs/api-conventions.md): every list takes these two and answers `next`.
  const parameters = {
    PageLimit: queryParameter(
      'limit',
      q.limit(PAGE_MAX).optional(),
      components,
      `The page size: 1 to the list's largest page (${PAGE_MAX} unless its service's settings say less), ${PAGE_DEFAULT} by default`,
    ),
    PageCursor: queryParameter(
      'cursor',
      q.cursor().optional(),
      components,
      "The previous page's `next`, to read the page after it; left out for the first page. Opaque, and bound to the list and the filters it was made with (another is 400 QUERY_INVALID naming `cursor`)",
    ),
  };
  const paths: OpenApiDocument['paths'] = {};
  const seen = new Map<string, string>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    const before = seen.get(key);
    if (before) throw new Error(`${key} is described twice: by ${before} and ${route.source}`);
    seen.set(key, route.source);
    (paths[route.path] ??= {})[route.method] = operation(route, components);
  }
  return {
    openapi: '3.1.1',
    info: { title: options.title, version: options.version, description: options.description },
    servers: [{ url: '/', description: 'The gateway this document was read from' }],
    security: [{ apiKey: [] }, { bearerToken: [] }],
    ...(options.tags ? { tags: options.tags } : {}),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: components.schemas,
      parameters,
      responses: sharedResponses(),
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description:
            'An API key, `twl_<id>_<secret>` (POST /v1/admin/keys; the embedded mode writes the first one to `<data dir>/admin.key`).',
        },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An OIDC access token from the installation's provider (TWINLOG_OIDC_ISSUER), checked against its JWKS.",
        },
      },
    },
  };
}

function operation(route: ApiRoute, components: SchemaComponents): Record<string, unknown> {
  const { description: d } = route;
  const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1 },
  }));
  const shape = (route.query?.shape ?? {}) as Record<string, z.ZodType>;
  const paged = 'limit' in shape && 'cursor' in shape;
  const queryParameters = Object.entries(shape).map(([name, schema]) => {
    if (paged && name === 'cursor') return { $ref: '#/components/parameters/PageCursor' };
    if (paged && name === 'limit') {
      // The list's own largest page is in its description (OpenAPI 3.1 lets a reference say it).
      const own = queryParameter(name, schema, components).description;
      return {
        $ref: '#/components/parameters/PageLimit',
        ...(typeof own === 'string' ? { description: own } : {}),
      };
    }
    return queryParameter(name, schema, components);
  });
  const headerParameters = Object.entries(d.headers ?? {}).map(([name, h]) => ({
    name,
    in: 'header',
    required: h.required ?? false,
    description: h.description,
    schema: components.toJson(h.schema, 'input'),
  }));
  const access = route.access;
  const needs =
    access === 'public'
      ? 'Answers without a credential.'
      : `Needs the **${access.role}** role${access.allSites ? ' and a credential for every site (`*`)' : ''}.`;
  return {
    operationId: operationId(route),
    summary: d.summary,
    description: [d.description, needs].filter(Boolean).join('\n\n'),
    ...(route.tag ? { tags: [route.tag] } : {}),
    ...(access === 'public'
      ? { security: [] }
      : { 'x-twinlog-role': access.role, 'x-twinlog-all-sites': access.allSites }),
    ...(pathParameters.length + queryParameters.length + headerParameters.length > 0
      ? { parameters: [...pathParameters, ...queryParameters, ...headerParameters] }
      : {}),
    ...(d.body
      ? {
          requestBody: {
            required: !(d.body.safeParse({}).success || d.body.safeParse(undefined).success),
            content: Object.fromEntries(
              (d.bodyMediaTypes ?? ['application/json']).map((type) => [
                type,
                { schema: components.toJson(d.body!, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses: responses(route, components),
  };
}

function queryParameter(
  name: string,
  schema: z.ZodType,
  components: SchemaComponents,
  description?: string,
): Record<string, unknown> {
  const json = components.toJson(schema, 'input');
  const { description: own, ...rest } = json;
  const text = description ?? own;
  return {
    name,
    in: 'query',
    required: !schema.safeParse(undefined).success,
    ...(typeof text === 'string' ? { description: text } : {}),
    schema: rest,
  };
}

/** `get /v1/twins/{twinId}/history` → `getV1TwinsTwinIdHistory`: unique as the route is. */
function operationId(route: ApiRoute): string {
  const words = route.path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `${route.method}${words.join('')}`;
}
