import 'reflect-metadata';
import {
  startService,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { SIMULATION_HTTP_API } from './http-api';
import type { SimulationConfig } from './config/simulation.config';
import { SimulationJobs } from './jobs/simulation-jobs';
import { SimulationPool } from './pool/simulation-pool';
import { RunRecorder } from './runs/run-recorder';
import { SimulationRuns } from './runs/simulation-runs.service';
import { SimulationAsks } from './ask/simulation-ask.service';
import { TwinSubjects } from './subject/twin-subjects.service';
import { SIMULATION_CONFIG } from './tokens';

export type RunningSimulation = RunningService;

/**
 * Simulation: HTTP only, ready once it listens (it keeps no state to rebuild). It reads the log
 * and the store, and appends runs. `close` cancels running jobs (each records its
 * cancellation), then closes the app.
 */
export function simulationService(config: SimulationConfig): ServiceDefinition {
  return {
    name: 'simulation',
    http: { ...config.http, timeouts: config.service.http, auth: config.service.auth },
    // Runs read twins' twin-events only (readings come from the telemetry store): the Kafka
    // adapter's local index need not follow the telemetry volume.
    logUse: { indexedStreams: ['twin-events'] },
    usesStore: true,
    // POST /v1/simulations/ask turns plain words into a scenario (docs/ai.md).
    usesAi: true,
    controllers: SIMULATION_HTTP_API,
    providers: [
      { provide: SIMULATION_CONFIG, useValue: config },
      TwinSubjects,
      SimulationJobs,
      SimulationPool,
      RunRecorder,
      SimulationRuns,
      SimulationAsks,
    ],
    readyDetails: (get) => ({
      running: get(SimulationJobs).running(),
      workers: get(SimulationPool).load(),
    }),
    // Runs read single twins' twin-events.
    readsTwinStreams: true,
    stopping: async (get) => {
      const jobs = get(SimulationJobs);
      jobs.cancelAll();
      for (let i = 0; i < 100 && jobs.running() > 0; i++)
        await new Promise((r) => setTimeout(r, 20));
    },
  };
}

export function startSimulation(
  config: SimulationConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
): Promise<RunningSimulation> {
  return startService(simulationService(config), ports, logger);
}
