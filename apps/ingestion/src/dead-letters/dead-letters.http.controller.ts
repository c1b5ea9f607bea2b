import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  type AuthenticatedRequest,
  Describe,
  badCursor,
  filtersOf,
  HttpProblem,
  PAGE_MAX,
  pageLimit,
  QueryParams,
  Requires,
  RequiresAllSites,
} from '@twinlog/service-kit';
import { readBody } from '../http/read-body';
import { DEAD_LETTER, DEAD_LETTER_PAGE, REPLAY_REPORT } from '../http/ingestion-answers';
import { NotReadyError } from '../intake/reading-intake.service';
import type { DeadLetterView } from './dead-letter-view';
import {
  DEAD_LETTER_ID,
  DEAD_LETTERS_CURSOR,
  LIST_QUERY,
  parseOr400,
  replayBody,
  type ListQuery,
} from './dead-letter-query';
import { DeadLetters, type ReplayReport } from './dead-letters.service';

const MAX_REPLAY_BODY_BYTES = 1024 * 1024;

/**
 * GET /v1/dead-letters, GET /v1/dead-letters/:id, POST /v1/dead-letters/replay: what ingestion
 * and the consumers refused, and sending refused readings through the checks again.
 */
// Dead letters hold readings of any site, and a replay appends to any.
@RequiresAllSites()
@Controller('v1/dead-letters')
export class DeadLettersHttpController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List dead letters',
    description: 'What ingestion and the consumers refused, oldest first, paged.',
    response: DEAD_LETTER_PAGE,
  })
  async list(
    @Query() query: ListQuery,
  ): Promise<{ deadLetters: DeadLetterView[]; next: string | null }> {
    const filters = filtersOf(query);
    const after = DEAD_LETTERS_CURSOR.decode(query.cursor, filters);
    const page = await this.deadLetters.page({
      code: query.code,
      from: query.from,
      limit: pageLimit(query.limit, PAGE_MAX),
      after,
    });
    if (page === 'cursor past end') throw badCursor('it is past the last dead letter');
    return {
      deadLetters: page.deadLetters,
      next: page.next === null ? null : DEAD_LETTERS_CURSOR.encode(page.next, filters),
    };
  }

  @Get(':id')
  @Describe({
    summary: 'One dead letter',
    response: DEAD_LETTER,
    errors: {
      400: 'QUERY_INVALID: the id is not a dead letter id',
      404: 'DEAD_LETTER_NOT_FOUND',
    },
  })
  async show(@Param('id') id: string): Promise<DeadLetterView> {
    if (!DEAD_LETTER_ID.test(id))
      throw new HttpProblem(400, 'QUERY_INVALID', 'path id: must be a dead letter id (a number)', {
        parameter: 'id',
      });
    const [letter] = await this.deadLetters.byIds([id]);
    if (!letter)
      throw new HttpProblem(404, 'DEAD_LETTER_NOT_FOUND', `No dead letter ${id}`, { id });
    return letter;
  }

  @Requires('engineer')
  @Post('replay')
  @HttpCode(200)
  @Describe({
    summary: 'Send dead letters through the checks again',
    description:
      'Those chosen by code, time or ids (all when the body is empty); each reading accepted now, or found already in the log, is never sent again.',
    body: replayBody,
    response: REPLAY_REPORT,
    errors: {
      400: 'QUERY_INVALID: a body field is unknown or bad, or an id names no dead letter',
      503: 'NOT_READY (Retry-After)',
    },
  })
  async replay(@Req() req: IncomingMessage): Promise<ReplayReport> {
    const body = await readBody(req, MAX_REPLAY_BODY_BYTES);
    if (!body.ok)
      throw new HttpProblem(
        413,
        'BODY_TOO_LARGE',
        `The body is larger than ${MAX_REPLAY_BODY_BYTES} bytes`,
      );
    let json: unknown = {};
    if (body.text.trim() !== '') {
      try {
        json = JSON.parse(body.text);
      } catch (error) {
        throw new HttpProblem(
          400,
          'JSON_MALFORMED',
          `The body is not JSON: ${(error as Error).message}`,
        );
      }
    }
    const { code, since, ids, by } = parseOr400(replayBody, json, 'body');
    if (ids) {
      const unknown = await this.deadLetters.unknownIds(ids);
      if (unknown.length > 0)
        throw new HttpProblem(
          400,
          'QUERY_INVALID',
          `body ids: no dead letter ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
          { parameter: 'ids' },
        );
    }
    try {
      // Recorded as the authenticated caller; a `by` in the body is only a note beside it.
      const caller = (req as AuthenticatedRequest).principal?.id;
      const who = caller ? (by ? `${caller} (${by})` : caller) : (by ?? 'api');
      return await this.deadLetters.replay({ code, since, ids }, who);
    } catch (error) {
      // The log not taking the replay is the error filter's to answer (503 LOG_UNAVAILABLE).
      if (error instanceof NotReadyError)
        throw new HttpProblem(503, 'NOT_READY', error.message, {}, { 'Retry-After': '5' });
      throw error;
    }
  }
}
