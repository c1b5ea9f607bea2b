import type { ApiRoute } from '@twinlog/service-kit';
import { z } from 'zod';

const READINESS = z.object({
  ready: z.literal(true),
  services: z.record(z.string(), z.enum(['ready', 'starting', 'down'])),
  /** Each ready service's own figures, e.g. `twin-state: { twins, readingsFolded }`. */
  figures: z.record(z.string(), z.record(z.string(), z.number())),
});

/** What the gateway answers itself. */
const OWN: Array<Pick<ApiRoute, 'method' | 'path' | 'description'>> = [
  {
    method: 'get',
    path: '/health/live',
    description: {
      summary: 'Liveness of the gateway',
      response: z.object({ status: z.literal('up') }),
    },
  },
  {
    method: 'get',
    path: '/health/ready',
    description: {
      summary: 'Readiness of the whole system: ready when every service is',
      response: READINESS,
      errors: {
        503: "NOT_READY: a service is starting or down (`details.services` gives each one's state)",
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    description: {
      summary: 'This description of the API (OpenAPI 3.1)',
      response: z.looseObject({
        openapi: z.string(),
        info: z.looseObject({}),
        paths: z.looseObject({}),
      }),
    },
  },
  {
    method: 'get',
    path: '/docs',
    description: {
      summary: 'The API reference, a page to browse and try the routes',
      description: 'Served from the swagger-ui-dist package installed with Twinlog: no CDN.',
      response: z.string(),
      mediaType: 'text/html',
    },
  },
  {
    method: 'get',
    path: '/docs/{file}',
    description: {
      summary: "The reference page's scripts, styles and icons",
      response: z.string(),
      mediaType: 'application/octet-stream',
      errors: { 404: 'ROUTE_NOT_FOUND: not a file of the reference page' },
    },
  },
];

/** The gateway's own routes: the system's probes and the API's description. */
export const GATEWAY_ROUTES: ApiRoute[] = OWN.map((route) => ({
  ...route,
  access: 'public' as const,
  status: 200,
  source: `gateway ${route.path}`,
  tag: 'gateway',
}));
