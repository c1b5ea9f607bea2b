import { Module, type DynamicModule } from '@nestjs/common';
import type { Infrastructure } from '@twinlog/service-kit';
import type { SimulationConfig } from './config/simulation.config';
import { HealthHttpController } from './health/health.http.controller';
import { PhysicsHttpController } from './http/physics.http.controller';
import { SimulationsHttpController } from './http/simulations.http.controller';
import { SimulationJobs } from './jobs/simulation-jobs';
import { SimulationPool } from './pool/simulation-pool';
import { RunRecorder } from './runs/run-recorder';
import { SimulationRuns } from './runs/simulation-runs.service';
import { TwinSubjects } from './subject/twin-subjects.service';
import { INFRASTRUCTURE, SIMULATION_CONFIG } from './tokens';

@Module({})
export class SimulationModule {
  static register(config: SimulationConfig, infra: Infrastructure): DynamicModule {
    return {
      module: SimulationModule,
      controllers: [SimulationsHttpController, PhysicsHttpController, HealthHttpController],
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: SIMULATION_CONFIG, useValue: config },
        TwinSubjects,
        SimulationJobs,
        SimulationPool,
        RunRecorder,
        SimulationRuns,
      ],
    };
  }
}
