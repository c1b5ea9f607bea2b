import type { IncomingMessage } from 'node:http';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  Caller,
  Describe,
  maySee,
  Requires,
  TWIN_WITH_HEALTH,
  type Principal,
} from '@twinlog/service-kit';
import { z } from 'zod';
import { parseBody } from '../commands/command-bodies';
import { FORWARDED_HEADER } from '../replicas/forward-to-owner';
import { ReplicaFanOut } from '../replicas/replica-fan-out';
import { TwinQueries } from './twin-queries.service';
import { MAX_STATES } from './twin-states-limit';

const STATES_BODY = z
  .object({ twinIds: z.array(z.string().min(1).max(128)).min(1).max(MAX_STATES) })
  .strict();

const STATES_ANSWER = z.object({
  twins: z.array(TWIN_WITH_HEALTH),
  moving: z
    .array(z.string())
    .describe('Only between twin-state replicas: the twins asked of the wrong one.'),
});

/** Many twins' current states in one call (a dashboard's table, a roll-up across replicas). */
@Controller('v1/twins')
export class TwinStatesHttpController {
  constructor(
    private readonly queries: TwinQueries,
    private readonly replicas: ReplicaFanOut,
  ) {}

  @Requires('viewer')
  @Post('states')
  @HttpCode(200)
  @Describe({
    summary: "Several twins' current states",
    description: `Up to ${MAX_STATES} twins by id, in one answer: those the caller may see, each once; unknown ids are left out.`,
    body: STATES_BODY,
    response: STATES_ANSWER,
    errors: {
      400: 'COMMAND_INVALID: no twinIds, or more than the most',
      503: 'PARTITION_MOVING: some of the twins are changing replicas (Retry-After)',
    },
  })
  async states(
    @Body() body: unknown,
    @Caller() caller: Principal,
    @Req() request: IncomingMessage,
  ) {
    const { twinIds } = parseBody(STATES_BODY, body);
    const see = (site: string | null) => maySee(caller, site);
    // Another replica asking: this one's own twins, and which it does not hold.
    if (!this.replicas.spans(request) || request.headers[FORWARDED_HEADER] !== undefined)
      return this.queries.states(twinIds, see);
    const twins = await this.replicas.states(request.headers, twinIds, (ids) =>
      this.queries.states(ids, see),
    );
    return { twins, moving: [] };
  }
}
