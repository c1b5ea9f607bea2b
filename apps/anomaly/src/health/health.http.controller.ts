import { Controller, Get } from '@nestjs/common';
import { HttpProblem, TwinDirectory } from '@twinlog/service-kit';
import { DetectionWorker, type WorkerStats } from '../detection/detection-worker';

/** Kubernetes probes, and what this worker is doing (for operators scaling the group). */
@Controller()
export class HealthHttpController {
  constructor(
    private readonly directory: TwinDirectory,
    private readonly worker: DetectionWorker,
  ) {}

  @Get('health/live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('health/ready')
  ready(): { status: 'ready'; twins: number } {
    if (!this.directory.ready) {
      throw new HttpProblem(503, 'NOT_READY', 'The twin directory is still replaying twin-events');
    }
    return { status: 'ready', twins: this.directory.size };
  }

  @Get('v1/worker')
  status(): { partitions: number[]; twinsMonitored: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsMonitored: this.worker.twins,
      ...this.worker.stats,
    };
  }
}
