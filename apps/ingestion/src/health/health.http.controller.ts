import { Controller, Get } from '@nestjs/common';
import { HttpProblem } from '@twinlog/service-kit';
import { TwinDirectory } from '../directory/twin-directory';
import { ReadingIntake } from '../intake/reading-intake.service';

/**
 * Kubernetes probes: alive while the process runs, ready once the twin directory caught up and
 * the de-duplication window was refilled from the log.
 */
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly directory: TwinDirectory,
    private readonly intake: ReadingIntake,
  ) {}

  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  ready(): { status: 'ready'; twins: number } {
    if (!this.intake.ready) {
      throw new HttpProblem(
        503,
        'NOT_READY',
        'The twin directory and the de-duplication window are still being read from the log',
      );
    }
    return { status: 'ready', twins: this.directory.size };
  }
}
