import { Controller, Get } from '@nestjs/common';
import { PredictionWorker, type WorkerStats } from '../prediction/prediction-worker';

/** What this worker is doing, for operators scaling the group. */
@Controller('v1/worker')
export class WorkerHttpController {
  constructor(private readonly worker: PredictionWorker) {}

  @Get()
  status(): { partitions: number[]; twinsModelled: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsModelled: this.worker.models.size,
      ...this.worker.stats,
    };
  }
}
