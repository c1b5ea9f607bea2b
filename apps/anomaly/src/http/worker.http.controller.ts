import { Controller, Get } from '@nestjs/common';
import { DetectionWorker, type WorkerStats } from '../detection/detection-worker';

/** What this worker is doing, for operators scaling the group. */
@Controller('v1/worker')
export class WorkerHttpController {
  constructor(private readonly worker: DetectionWorker) {}

  @Get()
  status(): { partitions: number[]; twinsMonitored: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsMonitored: this.worker.twins,
      ...this.worker.stats,
    };
  }
}
