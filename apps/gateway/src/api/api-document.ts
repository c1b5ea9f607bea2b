import type { Type } from '@nestjs/common';
import { ALERTING_HTTP_API } from '@twinlog/app-alerting';
import { ANOMALY_HTTP_API } from '@twinlog/app-anomaly';
import { INGESTION_HTTP_API } from '@twinlog/app-ingestion';
import { MAINTENANCE_HTTP_API } from '@twinlog/app-maintenance';
import { SIMULATION_HTTP_API } from '@twinlog/app-simulation';
import { TWIN_STATE_HTTP_API } from '@twinlog/app-twin-state';
import {
  aiStatusHttpController,
  apiDocument,
  HealthHttpController,
  routesOf,
  type ApiRoute,
  type OpenApiDocument,
} from '@twinlog/service-kit';
import { SERVICES, serviceFor, type ServiceName } from '../routes';
import { GATEWAY_ROUTES } from './gateway-routes';

/**
 * The services that say `usesAi`: the host serves their GET /v1/ai/<name> (openapi-routes.int.spec
 * checks this list against the routes that answer).
 */
const USES_AI: ReadonlySet<ServiceName> = new Set([
  'twin-state',
  'anomaly',
  'simulation',
  'maintenance',
]);

const withAiStatus = (service: ServiceName, controllers: Type<unknown>[]) =>
  USES_AI.has(service) ? [...controllers, aiStatusHttpController(service)] : controllers;

/** Each service's HTTP controllers, as its definition serves them (with the host's AI status). */
export const HTTP_APIS: Record<ServiceName, Type<unknown>[]> = {
  ingestion: INGESTION_HTTP_API,
  'twin-state': withAiStatus('twin-state', TWIN_STATE_HTTP_API),
  anomaly: withAiStatus('anomaly', ANOMALY_HTTP_API),
  simulation: withAiStatus('simulation', SIMULATION_HTTP_API),
  maintenance: withAiStatus('maintenance', MAINTENANCE_HTTP_API),
  alerting: ALERTING_HTTP_API,
};

const TAGS: Record<ServiceName, string> = {
  'twin-state': 'Twins: their state, history, audit trail and commands; API keys',
  ingestion: 'Readings in, and dead letters',
  anomaly: 'Anomaly detection workers',
  simulation: 'What-if simulations on physics models',
  maintenance: 'Maintenance predictions: health index, remaining useful life',
  alerting:
    'Alerts: acknowledged, assigned, escalated; their channels, rules, silences and deliveries',
};

const DESCRIPTION = `Every route of Twinlog's services behind the one-port gateway, generated from the zod schemas that validate the requests.

Every route needs a credential (an API key in \`X-Api-Key\`, or an OIDC bearer token) but the probes, this document and the reference page.

One convention across the services (docs/api-conventions.md):
- **Errors**: every 4xx and 5xx answer is \`{ "error": { "code", "message", "details" } }\` (the \`Error\` schema), with a stable code; a bad query parameter is 400 \`QUERY_INVALID\` naming it in \`details.parameter\`.
- **Paging**: a list takes \`limit\` and \`cursor\` (the \`PageLimit\` and \`PageCursor\` parameters) and answers \`{ <items>: [...], "next": <cursor or null> }\` (\`PageNext\`).
- **Filtering**: a list's other query parameters filter it; an unknown parameter is refused, never ignored.`;

/** A concrete path of a route's template, for the gateway's routing table. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, 'x1');

/** A service's routes that the gateway sends to it (maintenance's own /v1/worker is reached on its port only). */
export function routedRoutes(service: ServiceName): ApiRoute[] {
  return routesOf(HTTP_APIS[service], service).filter(
    (route) => serviceFor(route.method.toUpperCase(), concrete(route.path)) === service,
  );
}

/** The document the gateway serves at /openapi.json: every route its port answers. */
export function gatewayApiDocument(version: string): OpenApiDocument {
  return apiDocument([...SERVICES.flatMap(routedRoutes), ...GATEWAY_ROUTES], {
    title: 'Twinlog API',
    version,
    description: DESCRIPTION,
    tags: [
      ...SERVICES.map((name) => ({ name, description: TAGS[name] })),
      { name: 'gateway', description: "The system's probes, and this description" },
    ],
  });
}

/**
 * One service's own port: its routes and its probes (for tests that call a service directly,
 * whose answers are checked against what the service itself says).
 */
export function serviceApiDocument(service: ServiceName, version: string): OpenApiDocument {
  return apiDocument(routesOf([HealthHttpController, ...HTTP_APIS[service]], service), {
    title: `Twinlog ${service}`,
    version,
    description: `The ${service} service on its own port.`,
  });
}
