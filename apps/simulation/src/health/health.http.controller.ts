import { Controller, Get } from '@nestjs/common';
import { SimulationJobs } from '../jobs/simulation-jobs';

/** Kubernetes probes. The service keeps no state to rebuild: it is ready once it listens. */
@Controller('health')
export class HealthHttpController {
  constructor(private readonly jobs: SimulationJobs) {}

  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  ready(): { status: 'ready'; running: number } {
    return { status: 'ready', running: this.jobs.running() };
  }
}
