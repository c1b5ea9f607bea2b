export type ServiceName =
  'ingestion' | 'twin-state' | 'anomaly' | 'simulation' | 'maintenance' | 'alerting';

export const SERVICES: readonly ServiceName[] = [
  'ingestion',
  'twin-state',
  'anomaly',
  'simulation',
  'maintenance',
  'alerting',
];

/** Path prefixes of each service's HTTP API, most specific first; the rest is twin-state's. */
const ROUTES: Array<{ test: RegExp; service: ServiceName; methods?: string[] }> = [
  { test: /^\/v1\/readings(\/|\?|$)/, service: 'ingestion' },
  { test: /^\/v1\/dead-letters(\/|\?|$)/, service: 'ingestion' },
  { test: /^\/v1\/ingestion(\/|\?|$)/, service: 'ingestion' },
  // Reading a twin's maintenance prediction is the maintenance service's; recording
  // maintenance performed (POST) is a command to twin-state.
  {
    test: /^\/v1\/twins\/[^/?]+\/maintenance(\/|\?|$)/,
    service: 'maintenance',
    methods: ['GET', 'HEAD'],
  },
  // The maintenance report (issue 22): the maintenance service's, written with the AI layer.
  { test: /^\/v1\/reports\/maintenance(\/|\?|$)/, service: 'maintenance' },
  { test: /^\/v1\/(simulations|physics)(\/|\?|$)/, service: 'simulation' },
  { test: /^\/v1\/worker(\/|\?|$)/, service: 'anomaly' },
  // Each AI service's own status (docs/ai.md); twin-state answers /v1/ai and /v1/ai/twin-state.
  // The anomaly workers' is the one worker's that /v1/worker reaches too.
  { test: /^\/v1\/ai\/simulation(\/|\?|$)/, service: 'simulation' },
  { test: /^\/v1\/ai\/maintenance(\/|\?|$)/, service: 'maintenance' },
  { test: /^\/v1\/ai\/anomaly(\/|\?|$)/, service: 'anomaly' },
  // Alerts, where they go and what holds them back (ADR 0019).
  {
    test: /^\/v1\/(alerts|alert-channels|alert-rules|silences|alert-deliveries)(\/|\?|$)/,
    service: 'alerting',
  },
  { test: /^\/v1\//, service: 'twin-state' },
];

/** Which service answers a request path; undefined for paths no service has. */
export function serviceFor(method: string, path: string): ServiceName | undefined {
  return ROUTES.find((r) => r.test.test(path) && (r.methods?.includes(method) ?? true))?.service;
}
