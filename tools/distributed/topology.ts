import type { ServiceName } from '@twinlog/app-gateway';

export interface ServiceProcess {
  /** A name for its log lines and its own data directory. */
  name: string;
  service: ServiceName;
  main: string;
  /** The environment variable prefix of its HTTP settings. */
  envPrefix: string;
  port: number;
}

/**
 * The local distributed topology: each service its own process, two anomaly workers sharing
 * the telemetry partitions, one alerting process, ports counted up from the gateway's.
 */
export function localTopology(gatewayPort: number): ServiceProcess[] {
  const at = (n: number) => gatewayPort + n;
  return [
    {
      name: 'twin-state',
      service: 'twin-state',
      main: 'apps/twin-state/src/main.ts',
      envPrefix: 'TWIN_STATE',
      port: at(2),
    },
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
