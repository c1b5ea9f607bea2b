import { Controller, Get } from '@nestjs/common';
import { HttpProblem } from '@twinlog/service-kit';
import { PredictionWorker, type WorkerStats } from '../prediction/prediction-worker';
import { TwinEventsView } from '../twins/twin-events-view';

/** Kubernetes probes, and what this worker is doing (for operators scaling the group). */
@Controller()
export class HealthHttpController {
  constructor(
    private readonly view: TwinEventsView,
    private readonly worker: PredictionWorker,
  ) {}

  @Get('health/live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('health/ready')
  ready(): { status: 'ready'; twins: number } {
    if (!this.view.ready) {
      throw new HttpProblem(503, 'NOT_READY', 'Replaying twin-events', {}, { 'Retry-After': '5' });
    }
    return { status: 'ready', twins: this.view.directory.size };
  }

  @Get('v1/worker')
  status(): { partitions: number[]; twinsModelled: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsModelled: this.worker.models.size,
      ...this.worker.stats,
    };
  }
}
