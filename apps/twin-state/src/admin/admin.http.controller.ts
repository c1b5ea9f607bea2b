import type { IncomingMessage } from 'node:http';
import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { Describe, Requires, RequiresAllSites } from '@twinlog/service-kit';
import { REBUILD_PROGRESS, REBUILD_REPORT } from './rebuild-answers';
import { ReplicaFanOut } from '../replicas/replica-fan-out';
import { RebuildService, type RebuildProgress, type RebuildReport } from './rebuild.service';

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
  constructor(
    private readonly rebuild: RebuildService,
    private readonly replicas: ReplicaFanOut,
  ) {}

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
  async rebuildAll(@Res() res: StreamingResponse, @Req() request: IncomingMessage): Promise<void> {
    // Shared replicas (ADR 0023): each rebuilds its partitions; the one asked adds them up.
    const held = this.replicas.markHeld(res);
    const others = this.replicas.spans(request)
      ? (await this.replicas.streamFromOthers(request.headers, '/v1/admin/rebuild', held)).map(
          (stream) => (progress: (p: RebuildProgress) => void) => reportOf(stream, progress),
        )
      : [];
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson');
    let last = 0;
    try {
      await this.rebuild.rebuildAll((p) => {
        const now = Date.now();
        if (p.phase === 'replay' && now - last < 250 && p.events !== p.total) return;
        last = now;
        res.write(`${JSON.stringify(p)}\n`);
      }, others);
    } catch (error) {
      res.write(`${JSON.stringify({ phase: 'failed', error: (error as Error).message })}\n`);
    }
    res.end();
  }
}

/** Another replica's rebuild, read from its NDJSON: its progress passed on, its report returned. */
async function reportOf(
  stream: (onLine: (line: unknown) => void) => Promise<void>,
  progress: (p: RebuildProgress) => void,
): Promise<RebuildReport> {
  let report: RebuildReport | undefined;
  let failed: string | undefined;
  await stream((line) => {
    const p = line as RebuildProgress | { phase: 'failed'; error: string };
    if (p.phase === 'done') report = p.report;
    else if (p.phase === 'failed') failed = p.error;
    else progress(p);
  });
  if (!report)
    throw new Error(`another replica's rebuild did not finish: ${failed ?? 'its answer ended'}`);
  return report;
}
