import { Controller, Get } from '@nestjs/common';
import { Describe } from '@twinlog/service-kit';
import { WORKER_ANSWER } from './maintenance-answers';
import { PredictionWorker, type WorkerStats } from '../prediction/prediction-worker';

/** What this worker is doing, for operators scaling the group. */
@Controller('v1/worker')
export class WorkerHttpController {
  constructor(private readonly worker: PredictionWorker) {}

  @Get()
  @Describe({
    summary: 'What this worker is doing: its partitions and counters',
    description: 'For operators scaling the group: each instance answers for itself.',
    response: WORKER_ANSWER,
  })
  status(): { partitions: number[]; twinsModelled: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsModelled: this.worker.models.size,
      ...this.worker.stats,
    };
  }
}
