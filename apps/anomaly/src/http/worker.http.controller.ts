import { Controller, Get } from '@nestjs/common';
import { Describe } from '@twinlog/service-kit';
import { WORKER_ANSWER } from './worker-answer';
import { DetectionWorker, type WorkerStats } from '../detection/detection-worker';

/** What this worker is doing, for operators scaling the group. */
@Controller('v1/worker')
export class WorkerHttpController {
  constructor(private readonly worker: DetectionWorker) {}

  @Get()
  @Describe({
    summary: 'What this worker is doing: its partitions and counters',
    description: 'For operators scaling the group: each instance answers for itself.',
    response: WORKER_ANSWER,
  })
  status(): { partitions: number[]; twinsMonitored: number } & WorkerStats {
    return {
      partitions: this.worker.partitions,
      twinsMonitored: this.worker.twins,
      ...this.worker.stats,
    };
  }
}
