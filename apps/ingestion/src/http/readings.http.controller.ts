import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import {
  Describe,
  HttpProblem,
  Requires,
  siteFilterOf,
  type AuthenticatedRequest,
} from '@twinlog/service-kit';
import type { IngestionConfig } from '../config/ingestion.config';
import type { IntakeReport, ReadingOrigin, ReadingResult } from '../intake/intake-report';
import { NotReadyError, ReadingIntake } from '../intake/reading-intake.service';
import { INGESTION_CONFIG } from '../tokens';
import { bodyFormat, parseReadingsBody } from './parse-readings-body';
import { INTAKE_REPORT, READINGS_BODY } from './ingestion-answers';
import { readBody } from './read-body';

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * POST /v1/readings: a batch of readings as JSON, or a stream as NDJSON. Every reading gets its
 * own answer; the good readings of a mixed batch are accepted (207). Success means the log
 * acknowledged: nothing answered 2xx is lost.
 */
@Controller('v1/readings')
export class ReadingsHttpController {
  constructor(
    private readonly intake: ReadingIntake,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  @Requires('operator')
  @Post()
  @Describe({
    summary: 'Send readings',
    description:
      'A batch as JSON (an array, or `{ "readings": [...] }`) or a stream as NDJSON (one reading per line). Every reading gets its own answer, in order; the good readings of a mixed batch are accepted (207) and the others dead-lettered. A 2xx means the log has them.',
    body: READINGS_BODY,
    bodyMediaTypes: ['application/json', 'application/x-ndjson'],
    response: INTAKE_REPORT,
    status: 200,
    also: {
      207: { description: 'Some readings were accepted, some rejected', schema: INTAKE_REPORT },
      422: { description: 'Every reading was rejected', schema: INTAKE_REPORT },
    },
    errors: {
      400: 'BATCH_MALFORMED: neither an array nor { readings }; BATCH_EMPTY',
      413: 'BATCH_TOO_LARGE: more readings than the service takes in one batch',
      503: 'NOT_READY: the twin directory is still loading (Retry-After)',
    },
  })
  async post(
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<IntakeReport> {
    const caller = (req as AuthenticatedRequest).principal;
    const origin: ReadingOrigin = {
      channel: 'http',
      detail: `POST /v1/readings from ${req.socket.remoteAddress ?? 'unknown'}`,
      correlationId: header(req, 'x-correlation-id') ?? randomUUID(),
      ...(caller ? { actor: caller.id } : {}),
    };
    const { maxBodyBytes, maxBatch } = this.config.http;
    const format = bodyFormat(req.headers['content-type']);
    if (!format) {
      req.resume();
      return this.refuse(
        415,
        'CONTENT_TYPE_UNSUPPORTED',
        `Send readings as application/json or application/x-ndjson, not ${req.headers['content-type'] ?? 'no content type'}`,
        '',
        origin,
      );
    }
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) {
      return this.refuse(
        413,
        'BODY_TOO_LARGE',
        `The body (${body.bytes} bytes) is larger than the limit of ${maxBodyBytes} bytes; send smaller batches`,
        body.head,
        origin,
      );
    }
    const parsed = parseReadingsBody(body.text, format);
    if (!parsed.ok) return this.refuse(400, parsed.code, parsed.message, body.text, origin);
    if (parsed.count === 0) {
      throw new HttpProblem(400, 'BATCH_EMPTY', 'The batch holds no readings');
    }
    if (parsed.count > maxBatch) {
      return this.refuse(
        413,
        'BATCH_TOO_LARGE',
        `The batch holds ${parsed.count} readings; the limit is ${maxBatch}`,
        body.text,
        origin,
      );
    }
    const report = await this.guard(async () => {
      const intake = await this.intake.accept(
        parsed.readings.map((r) => r.reading),
        origin,
        // A key of some sites sends readings for their twins only: another site's twin is unknown to it.
        { sees: siteFilterOf(caller) },
      );
      await Promise.all(parsed.malformed.map((m) => this.intake.rejectUnread(m, m.raw, origin)));
      return intake;
    });
    const results: ReadingResult[] = [
      ...report.results.map((r) => ({ ...r, index: parsed.readings[r.index]!.index })),
      ...parsed.malformed.map((m): ReadingResult => ({
        index: m.index,
        status: 'rejected',
        error: { code: m.code, message: m.message, details: {} },
      })),
    ].sort((a, b) => a.index - b.index);
    const rejected = report.rejected + parsed.malformed.length;
    const ok = report.accepted + report.duplicates;
    res.status(rejected === 0 ? 200 : ok === 0 ? 422 : 207);
    return { ...report, rejected, results };
  }

  /** Refuses the request whole, after dead-lettering what it held. */
  private async refuse(
    status: number,
    code: string,
    message: string,
    payload: string,
    origin: ReadingOrigin,
  ): Promise<never> {
    await this.guard(() =>
      this.intake.rejectUnread({ code, message }, payload.slice(0, 65_536), origin),
    );
    throw new HttpProblem(status, code, message);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // The log not taking the write is the error filter's to answer (503 LOG_UNAVAILABLE).
      if (error instanceof NotReadyError) {
        const retryAfter = String(this.config.http.retryAfterSeconds);
        throw new HttpProblem(503, 'NOT_READY', error.message, {}, { 'Retry-After': retryAfter });
      }
      throw error;
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}
