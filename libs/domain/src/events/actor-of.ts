/**
 * Who caused an event: the caller a service recorded at the end of `producer`
 * (`twin-state/key:<keyId>`, `ingestion/http/token:<subject>`, `alerting/key:<keyId>`). Events a
 * service made on its own (readings, findings, alerts it opened), and events from before
 * authentication, have none.
 */
export function actorOf(producer: string): string | null {
  return /\/((?:key|token):.+|anonymous)$/.exec(producer)?.[1] ?? null;
}
