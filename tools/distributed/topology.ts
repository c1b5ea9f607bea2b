import type { ServiceName } from '@twinlog/app-gateway';

export interface ServiceProcess {
  /** A name for its log lines and its own data directory. */
  name: string;
  service: ServiceName;
  main: string;
  /** The environment variable prefix of its HTTP settings. */
  envPrefix: string;
  port: number;
  /** Settings of its own (twin-state's replicas share the partitions). */
  env?: Record<string, string>;
  /** Told the URL it is reached at, as `<envPrefix>_ADVERTISED_URL` (once its port is known). */
  advertise?: boolean;
}

/**
 * The local distributed topology: each service its own process, two anomaly workers sharing
 * the telemetry partitions, one alerting process, ports counted up from the gateway's; with
 * `twinStateReplicas` > 1, that many twin-state replicas sharing the partitions.
 */
export function localTopology(gatewayPort: number, twinStateReplicas = 1): ServiceProcess[] {
  const at = (n: number) => gatewayPort + n;
  // One twin-state, or replicas that share the partitions (ADR 0023): the gateway reaches the
  // first, which forwards a twin's requests to its owner; the others listen after alerting.
  const twinStates: ServiceProcess[] = Array.from({ length: twinStateReplicas }, (_, i) => ({
    name: twinStateReplicas === 1 ? 'twin-state' : `twin-state-${i + 1}`,
    service: 'twin-state',
    main: 'apps/twin-state/src/main.ts',
    envPrefix: 'TWIN_STATE',
    port: i === 0 ? at(2) : at(7 + i),
    ...(twinStateReplicas > 1 ? { env: { TWIN_STATE_REPLICAS: 'shared' }, advertise: true } : {}),
  }));
  return [
    ...twinStates,
    {
      name: 'ingestion',
      service: 'ingestion',
      main: 'apps/ingestion/src/main.ts',
      envPrefix: 'INGESTION',
      port: at(1),
    },
    {
      name: 'anomaly-1',
      service: 'anomaly',
      main: 'apps/anomaly/src/main.ts',
      envPrefix: 'ANOMALY',
      port: at(3),
    },
    {
      name: 'anomaly-2',
      service: 'anomaly',
      main: 'apps/anomaly/src/main.ts',
      envPrefix: 'ANOMALY',
      port: at(6),
    },
    {
      name: 'simulation',
      service: 'simulation',
      main: 'apps/simulation/src/main.ts',
      envPrefix: 'SIMULATION',
      port: at(4),
    },
    {
      name: 'maintenance',
      service: 'maintenance',
      main: 'apps/maintenance/src/main.ts',
      envPrefix: 'MAINTENANCE',
      port: at(5),
    },
    {
      // One process: the single writer of alert decisions (docs/adr/0019).
      name: 'alerting',
      service: 'alerting',
      main: 'apps/alerting/src/main.ts',
      envPrefix: 'ALERTING',
      port: at(7),
    },
  ];
}
