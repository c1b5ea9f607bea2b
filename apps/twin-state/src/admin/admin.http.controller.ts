import { Controller, Param, Post, Res } from '@nestjs/common';
import { Describe, Requires, RequiresAllSites } from '@twinlog/service-kit';
import { REBUILD_PROGRESS, REBUILD_REPORT } from './rebuild-answers';
import { RebuildService, type RebuildReport } from './rebuild.service';

interface StreamingResponse {
  status(code: number): StreamingResponse;
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  end(): void;
}

/** Admin operations: rebuild from the log and verify against the live state (every site's). */
@RequiresAllSites()
@Controller('v1/admin')
export class AdminHttpController {
  constructor(private readonly rebuild: RebuildService) {}

  @Requires('admin')
  @Post('rebuild/:twinId')
  @Describe({
    summary: "Rebuild one twin's state from the log and compare it with the live state",
    response: REBUILD_REPORT,
    errors: { 404: 'TWIN_NOT_FOUND: the twin has no events' },
  })
  rebuildOne(@Param('twinId') twinId: string): Promise<RebuildReport> {
    return this.rebuild.rebuildOne(twinId);
  }

  /** Streams progress as NDJSON (`{"phase":"replay",...}` lines), then `{"phase":"done","report":...}`. */
  @Requires('admin')
  @Post('rebuild')
  @Describe({
    summary: 'Rebuild every twin from the log and compare each with the live state',
    description:
      'Streams its progress as NDJSON: `{"phase":"replay",...}` lines, then `{"phase":"done","report":...}` (or `{"phase":"failed","error":...}`).',
    response: REBUILD_PROGRESS,
    mediaType: 'application/x-ndjson',
    status: 200,
  })
  async rebuildAll(@Res() res: StreamingResponse): Promise<void> {
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson');
    let last = 0;
    try {
      await this.rebuild.rebuildAll((p) => {
        const now = Date.now();
        if (p.phase === 'replay' && now - last < 250 && p.events !== p.total) return;
        last = now;
        res.write(`${JSON.stringify(p)}\n`);
      });
    } catch (error) {
      res.write(`${JSON.stringify({ phase: 'failed', error: (error as Error).message })}\n`);
    }
    res.end();
  }
}
