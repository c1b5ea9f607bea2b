import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { RetentionRun } from '@twinlog/event-log';
import { Describe, Requires, RequiresAllSites } from '@twinlog/service-kit';
import { parseBody } from '../commands/command-bodies';
import {
  RETENTION_BODY,
  RETENTION_RUN,
  STORAGE_REPORT,
  type StorageReport,
} from './storage-answers';
import { StorageService } from './storage.service';

/** The data directory's use and the raw telemetry log's retention (docs/sizing.md). */
@RequiresAllSites()
@Controller('v1')
export class StorageHttpController {
  constructor(private readonly storage: StorageService) {}

  @Requires('admin')
  @Get('storage')
  @Describe({
    summary: 'What the data directory holds, what a reading costs, and what retention keeps',
    response: STORAGE_REPORT,
  })
  report(): Promise<StorageReport> {
    return this.storage.report();
  }

  @Requires('admin')
  @Post('admin/retention')
  @HttpCode(200)
  @Describe({
    summary: 'Run the raw telemetry log retention now (twins snapshotted first)',
    body: RETENTION_BODY,
    response: RETENTION_RUN,
    errors: {
      400: 'COMMAND_INVALID: olderThan is not a time',
      409: 'EMBEDDED_ONLY: the distributed mode keeps telemetry by the topic retention',
    },
  })
  retain(@Body() body: unknown): Promise<RetentionRun> {
    return this.storage.runRetention(parseBody(RETENTION_BODY, body).olderThan);
  }
}
