import { Controller, Get } from '@nestjs/common';
import { SimulationJobs } from '../jobs/simulation-jobs';
import { SimulationPool } from '../pool/simulation-pool';

/** Kubernetes probes. The service keeps no state to rebuild: it is ready once it listens. */
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly jobs: SimulationJobs,
    private readonly pool: SimulationPool,
  ) {}

  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  ready() {
    return { status: 'ready' as const, running: this.jobs.running(), workers: this.pool.load() };
  }
}
