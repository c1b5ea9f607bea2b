import { Controller, Get } from '@nestjs/common';
import { HttpProblem } from '@twinlog/service-kit';
import { TwinDirectory } from '../directory/twin-directory';

/** Kubernetes probes: alive while the process runs, ready once the twin directory caught up. */
@Controller('health')
export class HealthHttpController {
  constructor(private readonly directory: TwinDirectory) {}

  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  ready(): { status: 'ready'; twins: number } {
    if (!this.directory.ready) {
      throw new HttpProblem(503, 'NOT_READY', 'The twin directory is still replaying twin-events');
    }
    return { status: 'ready', twins: this.directory.size };
  }
}
