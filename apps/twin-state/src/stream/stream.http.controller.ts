import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { bounded } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import {
  Caller,
  Describe,
  EVENT_LOG,
  HttpProblem,
  maySee,
  QueryParams,
  siteFilterOf,
  type Principal,
} from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TwinQueries } from '../queries/twin-queries.service';
import { TWIN_STATE_CONFIG } from '../tokens';
import { resumePoint } from './resume-point';
import { STREAM_ID_TEXT, STREAM_QUERY, streamFilter, type StreamQuery } from './stream-filter';
import { StreamHub } from './stream-hub';
import { STREAM_MESSAGE_DATA } from './stream-message';

/** How long a resume that needs the log waits for a catch-up turn before 503 STREAM_BUSY. */
const CATCH_UP_WAIT_MS = 2_000;

/** `GET /v1/stream`: the log seen through a filter, over Server-Sent Events (docs/services/stream.md). */
@Controller('v1/stream')
export class StreamHttpController {
  constructor(
    private readonly hub: StreamHub,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly queries: TwinQueries,
  ) {}

  @Get()
  @QueryParams(STREAM_QUERY)
  @Describe({
    summary:
      'Follow twin changes, anomalies, predictions and alerts as they happen (Server-Sent Events)',
    description:
      "Each message: `id` (its log position; send it back as `Last-Event-ID` to resume with no gap and no duplicate), `event` (state-changed, anomaly-opened, anomaly-raised (an open episode's severity rose), anomaly-closed, maintenance-predicted, alert-opened, alert-changed (an alert's later steps: member joined or cleared, severity raised, acknowledged, assigned, escalated, reopened, resolved); `fell-behind` before the server closes a client that did not keep up, `unauthorized` before it closes a stream whose key was revoked or whose key or token expired) and `data` (JSON, below). A comment line every 15 s keeps proxies from closing an idle stream. An alert's messages carry its group's twin as `twinId` and the alert's site; `twin`/`subtree` filters match its group's twin and its member twins. Ids are positions in the whole log (twin-events, telemetry and alerts offsets; an id of two lists, from before alerts, still resumes): a caller scoped to some sites sees them advance with other sites' events too (how many and when, never what). A 410 names the stream, partition and the offset the log now starts at (`error.details`: `lastEventId`, `stream`, `partition`, `start`).",
    mediaType: 'text/event-stream',
    headers: {
      'Last-Event-ID': {
        schema: STREAM_ID_TEXT,
        description:
          'The id of the last message received: resume after it (sent by EventSource on reconnect; wins over `lastEventId`/`after`)',
      },
    },
    response: STREAM_MESSAGE_DATA,
    errors: {
      400: 'STREAM_ID_INVALID: Last-Event-ID (or its query form) is not a position this stream gave',
      403: 'SITE_FORBIDDEN: `site` names a site the caller does not have',
      404: 'TWIN_NOT_FOUND: `twin` names a twin the caller cannot see (to a caller scoped to some sites)',
      410: 'STREAM_ID_EXPIRED: the position is older than the log keeps; start again without it (details: lastEventId, stream, partition, start: the offset that partition now starts at)',
      503: 'STREAM_CLIENTS_FULL: as many streams are open as this instance holds; STREAM_BUSY: too many resumes are reading the log (Retry-After)',
    },
  })
  async open(
    @Query() query: StreamQuery,
    @Caller() caller: Principal,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): Promise<void> {
    // The slot is taken before the first await: concurrent opens cannot pass the limit together.
    const release = this.hub.reserve(this.config.stream.maxClients);
    if (!release)
      throw new HttpProblem(
        503,
        'STREAM_CLIENTS_FULL',
        `${this.config.stream.maxClients} streams are open, the most this instance holds (TWIN_STATE_STREAM_MAX_CLIENTS): try again later`,
        {},
        { 'retry-after': '5' },
      );
    let turn: (() => void) | undefined;
    try {
      if (query.site !== undefined && !maySee(caller, query.site))
        throw new HttpProblem(
          403,
          'SITE_FORBIDDEN',
          `${caller.id} may not see site ${bounded(query.site)}`,
          { site: bounded(query.site) },
        );
      // A twin of a site the caller cannot see is answered like one that does not exist (REST).
      const see = siteFilterOf(caller);
      if (query.twin !== undefined && see) this.queries.seenAnywhere(query.twin, see);
      // The header, which a browser's EventSource sends on its own, wins over the query.
      const header = req.headers['last-event-id'];
      const text = typeof header === 'string' ? header : (query.lastEventId ?? query.after);
      const from =
        text === undefined
          ? undefined
          : await resumePoint(
              text,
              this.log,
              () => this.hub.position,
              () => this.hub.windowStart,
            );
      if (from && this.hub.needsLog(from)) {
        turn = await this.hub.catchUpTurn(CATCH_UP_WAIT_MS);
        if (!turn)
          throw new HttpProblem(
            503,
            'STREAM_BUSY',
            `${this.config.stream.maxCatchUps} streams are catching up from the log already (TWIN_STATE_STREAM_MAX_CATCHUPS): try again shortly`,
            {},
            { 'retry-after': '2' },
          );
      }
      if (req.destroyed) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and similar proxies would otherwise buffer the answer.
        'x-accel-buffering': 'no',
      });
      // HEAD (Express routes it here) asks for the headers only: no stream is opened.
      if (req.method === 'HEAD') return void res.end();
      res.flushHeaders();
      this.hub.attach(res, streamFilter(query, caller), from, caller, turn);
      turn = undefined;
    } finally {
      turn?.();
      release();
    }
  }
}
