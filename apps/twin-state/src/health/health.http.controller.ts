import { Controller, Get } from '@nestjs/common';
import { HttpProblem } from '@twinlog/service-kit';
import { LiveTwins } from '../state/live-twins';

/** Kubernetes probes: ready once the state is rebuilt from snapshots and the log. */
@Controller('health')
export class HealthHttpController {
  constructor(private readonly twins: LiveTwins) {}

  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  ready(): { status: 'ready'; twins: number } {
    if (!this.twins.ready) {
      throw new HttpProblem(503, 'NOT_READY', 'Rebuilding twin state from snapshots and the log');
    }
    return { status: 'ready', twins: this.twins.all().length };
  }
}
